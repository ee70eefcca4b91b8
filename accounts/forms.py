"""Forms for accounts, organizations and the admin search."""

from functools import cache
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields import Field
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
)
from wtforms.widgets import Select, html_params

from accounts import background
from accounts.models import OrgRole
from core.forms import FlaskForm
from core.i18n import LOCALES
from core.timefmt import all_zones

HANDLE_RULE = Regexp(
    r"^[A-Za-z0-9_-]{3,30}$",
    message=_l("Use 3 to 30 letters, digits, dashes or underscores."),
)
ROLE_CHOICES = [
    SelectChoice(OrgRole.OWNER.value, _l("Owner: everything, including members and money")),
    SelectChoice(OrgRole.MANAGER.value, _l("Manager: runs challenges and judging")),
    SelectChoice(OrgRole.MEMBER.value, _l("Member: sees internal pages")),
]


PASSWORD_RULES = _l("At least 12 characters; common passwords are refused.")


class SignupForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    handle = StringField(
        _l("Handle"),
        validators=[DataRequired(), HANDLE_RULE],
        description=_l("Your public address: /u/your-handle."),
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        description=PASSWORD_RULES,
        render_kw={"autocomplete": "new-password"},
    )
    accept_terms = BooleanField(
        _l("I accept the terms of service and privacy notice"),
        validators=[
            DataRequired(
                message=_l(
                    "Accept the terms of service and the privacy notice to create an account."
                )
            )
        ],
    )
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        terms, privacy = url_for("accounts.terms"), url_for("accounts.privacy")
        # The links' addresses are escaped by Markup's %; the sentence is trusted text.
        self.accept_terms.label.text = Markup(  # noqa: S704 - translated text, escaped values
            _(
                'I accept the <a href="%(terms)s" target="_blank">terms of service</a> and '
                '<a href="%(privacy)s" target="_blank">privacy notice</a> (they open in a new tab)'
            )
        ) % {"terms": terms, "privacy": privacy}


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send reset link"))


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Send confirmation link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=256)],
        description=PASSWORD_RULES,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(ResetPasswordForm):
    """The reset form's new password, behind the current one (rendered first)."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Change password"))


AUTOMATIC_ZONE = _l("Automatic (your browser's time zone)")


@cache
def _zone_options() -> tuple[tuple[str, str], ...]:
    """(value, option markup) for every named zone, escaped once per process."""
    return tuple(
        (zone, f'<option value="{escape(zone)}">{escape(zone)}</option>')
        for zone in sorted(all_zones())
    )


@cache
def _zone_choices() -> tuple[SelectChoice, ...]:
    """The zones as the field's choices (which validation reads), built once per process."""
    return tuple(SelectChoice(zone, zone) for zone, _markup in _zone_options())


def _automatic_option() -> tuple[str, str]:
    """The first option, in the viewer's language (so not cached with the zones)."""
    return "", f'<option value="">{escape(str(AUTOMATIC_ZONE))}</option>'


class ZoneSelect(Select):
    """The time zone list: about 600 options, which WTForms' option widget would build one
    call at a time on every account page (two thirds of its rendering time)."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        selected = field.data or ""
        options = [
            markup.replace("<option ", "<option selected ", 1) if value == selected else markup
            for value, markup in (_automatic_option(), *_zone_options())
        ]
        # html_params escapes the attributes; the options were escaped by _zone_options.
        html = f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>"
        return Markup(html)  # noqa: S704 - every interpolated text is escaped


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=2000)])
    website = URLField(
        _l("Website"),
        validators=[Optional(), URL(message=_l("Enter a full URL.")), Length(max=200)],
    )
    timezone = SelectField(
        _l("Time zone"),
        validators=[Optional()],
        description=_l("Times on the site are shown in this zone, with its name."),
        widget=ZoneSelect(),
    )
    language = SelectField(
        _l("Language"),
        validators=[Optional()],
        description=_l("The site and your e-mails use this language."),
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _("Your browser's language")), *LOCALES.items()]
        if not self.is_submitted():
            self.language.data = getattr(kwargs.get("obj"), "locale", None) or ""
        self.timezone.choices = [SelectChoice("", AUTOMATIC_ZONE), *_zone_choices()]


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=120)])
    website = URLField(
        _l("Website"),
        validators=[Optional(), URL(message=_l("Enter a full URL.")), Length(max=200)],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Markdown is supported."),
    )
    submit = SubmitField(_l("Save"))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=OrgRole.MEMBER.value)
    submit = SubmitField(_l("Send invitation"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change"))


class ConfirmForm(FlaskForm):
    """A CSRF-only form for POST buttons."""

    submit = SubmitField(_l("Confirm"))


class EmailSettingsForm(FlaskForm):
    updates = BooleanField(_l("Challenge updates"))
    qa = BooleanField(_l("Questions and answers"))
    reminders = BooleanField(_l("Reminders"))
    submit = SubmitField(_l("Save e-mail settings"))


def _background_choices(enum_cls: type[background.enum.StrEnum]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in background.choices(enum_cls)]


class BackgroundForm(FlaskForm):
    """Optional background questions; an empty choice means "not answered"."""

    bg_region = SelectField(_l("Country or region"), choices=_background_choices(background.Region))
    bg_discipline = SelectField(
        _l("Discipline"), choices=_background_choices(background.Discipline)
    )
    bg_career_stage = SelectField(
        _l("Career stage"), choices=_background_choices(background.CareerStage)
    )
    bg_org_type = SelectField(
        _l("Organisation type"), choices=_background_choices(background.OrgType)
    )
    submit = SubmitField(_l("Save background"))
