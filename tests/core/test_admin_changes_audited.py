"""Changes made in the Django admin (agencies, categories, routing rules, roles) are in the
audit log with who made them and the values before and after."""

from __future__ import annotations

import pytest
from django.test import Client

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, RoutingRule
from balaikota.core import audit
from balaikota.core.models import AuditEntry, Role, User
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast: Cast) -> Client:
    cast.admin.is_superuser = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    return client


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    return entry


def test_a_role_change_records_who_and_the_role_before_and_after(
    cast: Cast, admin_client: Client
) -> None:
    # given
    user = cast.citizen
    # when
    response = admin_client.post(
        f"/admin/core/user/{user.pk}/change/",
        {
            "username": user.username,
            "email": user.email,
            "role": Role.OPERATOR,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    # then
    assert response.status_code == 302, response.content[:2000]
    entry = last_entry()
    assert entry.action == "user.change"
    assert entry.object_type == "core.user"
    assert entry.object_id == str(user.pk)
    assert entry.actor_label == cast.admin.username
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["role"], entry.after["role"]) == ("citizen", "operator")
    assert "password" not in entry.after


def test_a_routing_rule_moved_to_another_agency_is_recorded(
    cast: Cast, admin_client: Client
) -> None:
    rule = RoutingRule.objects.get(category__slug="sampah", region=None)
    dishub = Agency.objects.get(code="dishub")
    response = admin_client.post(
        f"/admin/complaints/routingrule/{rule.pk}/change/",
        {"category": rule.category_id, "region": "", "agency": dishub.pk},
    )
    assert response.status_code == 302
    entry = last_entry()
    assert entry.action == "routingrule.change"
    assert entry.after == {"agency_id": dishub.pk}
    assert entry.before == {"agency_id": Agency.objects.get(code="dlh").pk}


def test_deactivating_a_category_from_the_list_is_recorded(
    cast: Cast, admin_client: Client
) -> None:
    category = Category.objects.get(slug="bansos")
    category.is_active = False
    assert Category.objects.get(slug="bansos").is_active
    before = AuditEntry.objects.count()
    # The change form with its routing-rule inline; nothing else changes.
    page = admin_client.get(f"/admin/complaints/category/{category.pk}/change/")
    assert page.status_code == 200
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key != "is_active"
    }
    # Every inline (routing rules, questions) posted empty.
    management = {}
    for inline in page.context["inline_admin_formsets"]:
        management[f"{inline.formset.prefix}-TOTAL_FORMS"] = "0"
        management[f"{inline.formset.prefix}-INITIAL_FORMS"] = "0"
    response = admin_client.post(
        f"/admin/complaints/category/{category.pk}/change/", data | management
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditEntry.objects.count() == before + 1
    assert last_entry().after == {"is_active": False}


def test_deleting_an_agency_without_complaints_is_recorded(
    cast: Cast, admin_client: Client
) -> None:
    agency = Agency.objects.create(code="uji", name="Dinas Uji", short_name="Uji", kind="dinas")
    response = admin_client.post(f"/admin/agencies/agency/{agency.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = last_entry()
    assert entry.action == "agency.delete"
    assert entry.object_id == str(agency.pk)
    assert entry.before is not None
    assert entry.before["code"] == "uji"
    assert entry.after is None
    assert list(audit.broken_links()) == []


def test_a_webhook_secret_is_never_copied_into_the_record(cast: Cast, admin_client: Client) -> None:
    agency = Agency.objects.get(code="dlh")
    page = admin_client.get(f"/admin/agencies/agency/{agency.pk}/change/")
    data = {key: value for key, value in page.context["adminform"].form.initial.items() if value}
    data["webhook_secret"] = "very-secret-value-123"
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(f"/admin/agencies/agency/{agency.pk}/change/", data)
    assert response.status_code == 302
    entry = last_entry()
    assert "webhook_secret" in (entry.after or {})
    assert "very-secret-value-123" not in str(entry.after)


def test_making_someone_agency_staff_through_the_agency_page_is_recorded(
    cast: Cast, admin_client: Client
) -> None:
    agency = Agency.objects.get(code="dlh")
    newcomer = User.objects.create_user("baru", role=Role.AGENCY_STAFF)
    page = admin_client.get(f"/admin/agencies/agency/{agency.pk}/change/")
    data = {key: value for key, value in page.context["adminform"].form.initial.items() if value}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        if formset.model.__name__ == "Membership":
            data |= {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-0-user": str(newcomer.pk),
                f"{prefix}-0-agency": str(agency.pk),
            }
    response = admin_client.post(f"/admin/agencies/agency/{agency.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]
    entry = last_entry()
    assert entry.action == "membership.create"
    assert entry.after is not None
    assert entry.after["user_id"] == newcomer.pk
