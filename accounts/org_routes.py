"""Organization pages: create, public page, edit, members and invitations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import org_services as services
from accounts import orgs_bp as bp
from accounts.forms import ConfirmForm, InviteForm, OrganizationForm, RoleForm
from accounts.models import Invitation, Membership, Organization
from accounts.policies import can_create_org, can_edit_org, can_view_members, is_signed_in
from core import sections
from core.db import db
from core.forms import domain_errors


def _org_or_404(slug: str) -> Organization:
    org = services.get_org_by_slug(slug)
    if org is None:
        abort(404)
    return org


def _membership_or_404(org: Organization, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.org_id != org.id:
        abort(404)
    return membership


@bp.route("/orgs/new", methods=["GET", "POST"])
@login_required
def new_org() -> ResponseReturnValue:
    if not can_create_org(current_user):
        flash(_("Confirm your e-mail address before creating an organization."), "warning")
        return redirect(url_for("accounts.account"))
    form = OrganizationForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            org = services.create_organization(
                actor=current_user,
                name=form.name.data,
                website=form.website.data or "",
                description=form.description.data or "",
            )
        if not refused:
            flash(_("%(org)s is created. You are its owner.", org=org.name), "success")
            return redirect(url_for("orgs.members", slug=org.slug))
    return render_template("orgs/new.html", form=form), 422 if form.errors else 200


@bp.get("/orgs/<slug>")
def show(slug: str) -> ResponseReturnValue:
    org = _org_or_404(slug)
    members = services.list_members(org)
    return render_template(
        "orgs/show.html",
        org=org,
        members=members,
        role_names=services.ROLE_NAMES,
        main_sections=sections.collect("org.main", org=org),
    )


@bp.route("/orgs/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> ResponseReturnValue:
    org = _org_or_404(slug)
    if not can_edit_org(current_user, org):
        abort(403)
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        services.update_organization(
            actor=current_user,
            org=org,
            name=form.name.data,
            website=form.website.data or "",
            description=form.description.data or "",
        )
        flash(_("Organization saved."), "success")
        return redirect(url_for("orgs.show", slug=org.slug))
    return render_template("orgs/edit.html", org=org, form=form), 422 if form.errors else 200


@bp.get("/orgs/<slug>/members")
@login_required
def members(slug: str) -> ResponseReturnValue:
    org = _org_or_404(slug)
    if not can_view_members(current_user, org):
        abort(403)
    return _render_members(org, InviteForm())


def _render_members(
    org: Organization, invite_form: InviteForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "orgs/members.html",
        org=org,
        members=services.list_members(org),
        invitations=services.pending_invitations(org),
        invite_form=invite_form,
        role_names=services.ROLE_NAMES,
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
    ), status


@bp.post("/orgs/<slug>/invitations")
@login_required
def invite(slug: str) -> ResponseReturnValue:
    org = _org_or_404(slug)
    form = InviteForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            invitation = services.invite_member(
                actor=current_user, org=org, email=form.email.data, role=form.role.data
            )
        if not refused:
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("orgs.members", slug=org.slug))
    if not can_view_members(current_user, org):
        abort(403)
    return _render_members(org, form, 422)


@bp.post("/orgs/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int) -> ResponseReturnValue:
    org = _org_or_404(slug)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.org_id != org.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_invitation(actor=current_user, invitation=invitation)
    flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "info")
    return redirect(url_for("orgs.members", slug=org.slug))


@bp.post("/orgs/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int) -> ResponseReturnValue:
    org = _org_or_404(slug)
    membership = _membership_or_404(org, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400, _("Choose one of the listed roles."))
    services.change_role(actor=current_user, membership=membership, role=form.role.data)
    flash(
        _(
            "%(name)s is now %(role)s.",
            name=membership.user.display_name,
            role=services.ROLE_NAMES[form.role.data],
        ),
        "success",
    )
    return redirect(url_for("orgs.members", slug=org.slug))


@bp.post("/orgs/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int) -> ResponseReturnValue:
    org = _org_or_404(slug)
    membership = _membership_or_404(org, membership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    leaving = membership.user_id == current_user.id
    name = membership.user.display_name
    services.remove_member(actor=current_user, membership=membership)
    if leaving:
        flash(_("You left %(org)s.", org=org.name), "info")
        return redirect(url_for("orgs.show", slug=org.slug))
    flash(_("%(name)s was removed from %(org)s.", name=name, org=org.name), "info")
    return redirect(url_for("orgs.members", slug=org.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    invitation = services.invitation_from_token(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        if not is_signed_in(current_user):
            return redirect(url_for("accounts.login", next=url_for("orgs.invitation", token=token)))
        services.accept_invitation(actor=current_user, token=token)
        flash(_("Welcome to %(org)s.", org=invitation.organization.name), "success")
        return redirect(url_for("orgs.show", slug=invitation.organization.slug))
    return render_template(
        "orgs/invitation.html", invitation=invitation, form=form, role_names=services.ROLE_NAMES
    )
