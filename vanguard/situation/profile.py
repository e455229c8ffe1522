"""The unit's profile computed from the member data (五.1(1) 摸清党员队伍的基本情况): counts by
unit category, age band, post kind, retired, 流动党员, out of contact, membership, leader
cadres and 分类指导 group. Two queries whatever the unit's size (members, the units'
choices of group)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils.translation import gettext as _

from vanguard.campaigns import groups
from vanguard.orgs.models import Member, OrgCategory, PostKind

UNKNOWN = "unknown"


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band(age: int | None, bounds: tuple[int, ...]) -> str:
    """The band's code: "le35" for up to the first bound, "36-45" …, "gt55" past the last."""
    if age is None:
        return UNKNOWN
    lower = 0
    for bound in bounds:
        if age <= bound:
            return f"le{bound}" if lower == 0 else f"{lower}-{bound}"
        lower = bound + 1
    return f"gt{bounds[-1]}"


def compute(enrollment, on: date | None = None) -> dict:
    """The figures as a JSON value (stored when the unit confirms its profile)."""
    campaign, rules = enrollment.campaign, enrollment.campaign.rules
    on = on or enrollment.batch.starts_on
    bounds = rules.situation.age_bands if rules.situation else (35, 45, 55)
    members = list(
        Member.objects.active(on)
        .filter(enrollment.organization.subtree_q("organization__"))
        .select_related("organization")
    )
    chosen = groups.chosen_codes(campaign, members)
    by: dict[str, Counter[str]] = {name: Counter() for name in ("category", "age", "post", "group")}
    flags: Counter[str] = Counter()
    for member in members:
        by["category"][member.organization.category or UNKNOWN] += 1
        age = age_on(member.birth_date, on) if member.birth_date else None
        by["age"][age_band(age, bounds)] += 1
        by["post"][member.post_kind or UNKNOWN] += 1
        group = groups.member_group(campaign, member, chosen)
        by["group"][group.code if group else UNKNOWN] += 1
        flags["retired"] += member.retired
        flags["floating"] += member.floating
        flags["out_of_contact"] += member.out_of_contact
        flags["probationary"] += member.status == "probationary"
        flags["leader_cadre"] += member.is_leader_cadre
    return {
        "on": on.isoformat(),
        "total": len(members),
        "by": {name: dict(counter) for name, counter in by.items()},
        "flags": {name: flags[name] for name in FLAG_NAMES},
        "age_bands": list(bounds),
    }


FLAG_NAMES = ("retired", "floating", "out_of_contact", "probationary", "leader_cadre")


def _age_label(code: str) -> str:
    if code == UNKNOWN:
        return _("date of birth unknown")
    if code.startswith("le"):
        return _("up to %(age)s") % {"age": code[2:]}
    if code.startswith("gt"):
        return _("over %(age)s") % {"age": code[2:]}
    return _("%(range)s years") % {"range": code}


def sections(figures: dict, rules) -> list[dict]:
    """The figures for display: titled sections of (label, count), in a fixed order."""
    if not figures:
        return []
    by = figures["by"]
    unknown = _("not recorded")
    categories = dict(OrgCategory.choices)
    posts = dict(PostKind.choices)
    group_titles = {group.code: group.title for group in rules.member_groups}
    bounds = tuple(figures.get("age_bands") or (35, 45, 55))
    age_codes = [age_band(b, bounds) for b in bounds] + [f"gt{bounds[-1]}", UNKNOWN]
    flag_titles = {
        "retired": _("Retired"),
        "floating": _("Floating members (流动党员)"),
        "out_of_contact": _("Out of contact"),
        "probationary": _("Probationary members"),
        "leader_cadre": _("Leader cadres"),
    }
    return [
        {
            "title": _("By unit category"),
            "rows": [(categories.get(c, unknown), n) for c, n in sorted(by["category"].items())],
        },
        {
            "title": _("By age"),
            "rows": [(_age_label(c), by["age"][c]) for c in age_codes if by["age"].get(c)],
        },
        {
            "title": _("By post"),
            "rows": [(posts.get(c, unknown), n) for c, n in sorted(by["post"].items())],
        },
        {
            "title": _("By member group"),
            "rows": [(group_titles.get(c, unknown), n) for c, n in by["group"].items()],
        },
        {
            "title": _("Particular situations"),
            "rows": [(flag_titles[name], figures["flags"][name]) for name in FLAG_NAMES],
        },
    ]
