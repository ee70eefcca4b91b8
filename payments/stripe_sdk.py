"""The Stripe SDK, imported at its first use: most web workers never call Stripe, and the SDK
weighs about 7 MB a process. Modules that call Stripe import ``stripe`` from here."""

from typing import TYPE_CHECKING

from core.lazy import LazyModule

if TYPE_CHECKING:
    import stripe as stripe
else:
    stripe = LazyModule("stripe")
