"""Forms for accounts, organizations and the admin search."""

from functools import cache
from typing import Any

from flask import url_for
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
    message="Use 3 to 30 letters, digits, dashes or underscores.",
)
ROLE_CHOICES = [
    SelectChoice(OrgRole.OWNER.value, "Owner: everything, including members and money"),
    SelectChoice(OrgRole.MANAGER.value, "Manager: runs challenges and judging"),
    SelectChoice(OrgRole.MEMBER.value, "Member: sees internal pages"),
]


PASSWORD_RULES = "At least 12 characters; common passwords are refused."  # noqa: S105


class SignupForm(FlaskForm):
    email = EmailField(
        "E-mail",
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    handle = StringField(
        "Handle",
        validators=[DataRequired(), HANDLE_RULE],
        description="Your public address: /u/your-handle.",
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=256)],
        description=PASSWORD_RULES,
        render_kw={"autocomplete": "new-password"},
    )
    accept_terms = BooleanField(
        "I accept the terms of service and privacy notice",
        validators=[
            DataRequired(
                message="Accept the terms of service and the privacy notice to create an account."
            )
        ],
    )
    submit = SubmitField("Create account")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        terms, privacy = url_for("accounts.terms"), url_for("accounts.privacy")
        self.accept_terms.label.text = Markup(
            'I accept the <a href="{}" target="_blank">terms of service</a> and '
            '<a href="{}" target="_blank">privacy notice</a> (they open in a new tab)'
        ).format(terms, privacy)


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail", validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Send reset link")


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        "New e-mail address",
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Send confirmation link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=256)],
        description=PASSWORD_RULES,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set new password")


class ChangePasswordForm(ResetPasswordForm):
    """The reset form's new password, behind the current one (rendered first)."""

    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change password")


AUTOMATIC_ZONE = "Automatic (your browser's time zone)"


@cache
def _zone_options() -> tuple[tuple[str, str], ...]:
    """(value, option markup) for every zone, escaped once per process."""
    zones = [("", AUTOMATIC_ZONE)] + [(zone, zone) for zone in sorted(all_zones())]
    return tuple(
        (value, f'<option value="{escape(value)}">{escape(label)}</option>')
        for value, label in zones
    )


class ZoneSelect(Select):
    """The time zone list: about 600 options, which WTForms' option widget would build one
    call at a time on every account page (two thirds of its rendering time)."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        selected = field.data or ""
        options = [
            markup.replace("<option ", "<option selected ", 1) if value == selected else markup
            for value, markup in _zone_options()
        ]
        # html_params escapes the attributes; the options were escaped by _zone_options.
        html = f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>"
        return Markup(html)  # noqa: S704 - every interpolated text is escaped


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    bio = TextAreaField("About you", validators=[Optional(), Length(max=2000)])
    website = URLField(
        "Website", validators=[Optional(), URL(message="Enter a full URL."), Length(max=200)]
    )
    timezone = SelectField(
        "Time zone",
        validators=[Optional()],
        description="Times on the site are shown in this zone, with its name.",
        widget=ZoneSelect(),
    )
    language = SelectField(
        "Language",
        validators=[Optional()],
        description="The site and your e-mails use this language.",
    )
    submit = SubmitField("Save profile")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [("", "Your browser's language"), *LOCALES.items()]
        if not self.is_submitted():
            self.language.data = getattr(kwargs.get("obj"), "locale", None) or ""
        self.timezone.choices = [
            SelectChoice(value, value or AUTOMATIC_ZONE) for value, _ in _zone_options()
        ]


class OrganizationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(min=2, max=120)])
    website = URLField(
        "Website", validators=[Optional(), URL(message="Enter a full URL."), Length(max=200)]
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=5000)],
        description="Markdown is supported.",
    )
    submit = SubmitField("Save")


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=OrgRole.MEMBER.value)
    submit = SubmitField("Send invitation")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change")


class ConfirmForm(FlaskForm):
    """A CSRF-only form for POST buttons."""

    submit = SubmitField("Confirm")


class EmailSettingsForm(FlaskForm):
    updates = BooleanField("Challenge updates")
    qa = BooleanField("Questions and answers")
    reminders = BooleanField("Reminders")
    submit = SubmitField("Save e-mail settings")


def _background_choices(enum_cls: type[background.enum.StrEnum]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in background.choices(enum_cls)]


class BackgroundForm(FlaskForm):
    """Optional background questions; an empty choice means "not answered"."""

    bg_region = SelectField("Country or region", choices=_background_choices(background.Region))
    bg_discipline = SelectField("Discipline", choices=_background_choices(background.Discipline))
    bg_career_stage = SelectField(
        "Career stage", choices=_background_choices(background.CareerStage)
    )
    bg_org_type = SelectField("Organisation type", choices=_background_choices(background.OrgType))
    submit = SubmitField("Save background")
