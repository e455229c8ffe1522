"""The organisation tree (committee → general branch → branch) and its Party members.

The tree is a materialized path (django-treebeard's MP_Node): "this node and its whole
subtree" is `path__startswith=node.path`, one query on an indexed column. That prefix rule
is written here only: `Organization.objects.within(org)`, `Member.objects.within(org)`,
`org.subtree_q("prefix__")` for other models, `a.is_in_subtree_of(b)` and `path_within`
in Python (`tests/orgs/test_subtree_rule.py` greps the source for any other).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")


class OrgCategory(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    INSTITUTION = "institution", _("Public institution")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")


def path_within(path: str, top: str) -> bool:
    """Whether the organisation at `path` is the one at `top` or under it (no query)."""
    return path.startswith(top)


def paths_overlap(path: str, other: str) -> bool:
    """Whether one of two organisations is in the other's subtree (no query)."""
    return path.startswith(other) or other.startswith(path)


class OrganizationQuerySet(MP_NodeQuerySet):
    def within(self, org: "Organization") -> "OrganizationQuerySet":
        """`org` and every organisation under it."""
        return self.filter(path__startswith=org.path)

    def within_path(self, path: str) -> "OrganizationQuerySet":
        """The organisations whose path starts with `path` (a common prefix of paths)."""
        return self.filter(path__startswith=path)

    def within_any(self, orgs) -> "OrganizationQuerySet":
        """The organisations in the subtree of any of `orgs` (none when `orgs` is empty)."""
        condition = models.Q(pk__in=[])
        for org in orgs:
            condition |= org.subtree_q()
        return self.filter(condition)


class OrganizationManager(MP_NodeManager):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def within(self, org: "Organization") -> OrganizationQuerySet:
        return self.get_queryset().within(org)

    def within_path(self, path: str) -> OrganizationQuerySet:
        return self.get_queryset().within_path(path)

    def within_any(self, orgs) -> OrganizationQuerySet:
        return self.get_queryset().within_any(orgs)


class Organization(MP_Node):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # What the public calls it (a school's name, not its Party branch's): the public pages
    # offer this name; blank for an organisation the public does not address.
    public_name = models.CharField(_("public name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    category = models.CharField(
        _("category"), max_length=20, choices=OrgCategory.choices, blank=True
    )
    history = HistoricalRecords()

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # Prefix searches (subtree queries) use this index on PostgreSQL.
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name

    def subtree_q(self, prefix: str = "") -> models.Q:
        """A filter for rows whose organisation (reached through `prefix`) is in this subtree."""
        return models.Q(**{f"{prefix}path__startswith": self.path})

    def is_in_subtree_of(self, other: "Organization") -> bool:
        return path_within(self.path, other.path)

    def ancestor_paths(self) -> list[str]:
        """The paths of this organisation and all its ancestors (no query)."""
        step = self.steplen
        return [self.path[:end] for end in range(step, len(self.path) + 1, step)]

    def parent_by_path(self) -> "Organization | None":
        """The parent as a path only (no query): enough for path checks such as access."""
        if self.depth <= 1:
            return None
        return Organization(path=self.path[: -self.steplen], depth=self.depth - 1)


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class MemberStatus(models.TextChoices):
    FORMAL = "formal", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class PostKind(models.TextChoices):
    """The kind of post a member holds (三.5: 机关、直属事业单位和学校 members differ by post too);
    the codes are the template's `POST_KINDS`."""

    TEACHER = "teacher", _("Teacher")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class MemberQuerySet(models.QuerySet):
    def within(self, org: Organization) -> "MemberQuerySet":
        """Members of `org` and of every organisation under it."""
        return self.filter(org.subtree_q("organization__"))

    def active(self, on=None):
        """Members who have not left (by `on`, default today)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=on))

    def in_subtree_on(self, path: str, day):
        """Members who belonged to the subtree at `path` on `day`, by the dated transfers
        (`Transfer`): a member's organisation on a day is the one they left by their first
        transfer after that day, or their present one if none. Two queries before the
        returned queryset's own, whatever the number of members (transfers are few)."""
        touching = Transfer.objects.filter(on__gt=day).filter(
            models.Q(from_org__path__startswith=path) | models.Q(to_org__path__startswith=path)
        )
        candidates = set(touching.values_list("member_id", flat=True))
        then_inside = []
        if candidates:
            first: dict[int, str] = {}
            later = (
                Transfer.objects.filter(on__gt=day, member_id__in=candidates)
                .order_by("member_id", "on", "pk")
                .values_list("member_id", "from_org__path")
            )
            for member_id, from_path in later:
                first.setdefault(member_id, from_path)
            then_inside = [pk for pk, from_path in first.items() if from_path.startswith(path)]
        now_inside = models.Q(organization__path__startswith=path) & ~models.Q(
            pk__in=list(candidates)
        )
        return self.filter(now_inside | models.Q(pk__in=then_inside))


class Member(models.Model):
    code = models.CharField(_("member number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    joined_on = models.DateField(_("date joined the Party"), null=True, blank=True)
    status = models.CharField(
        _("membership"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FORMAL
    )
    is_leader_cadre = models.BooleanField(_("leader cadre"), default=False)
    position = models.CharField(_("position"), max_length=100, blank=True)
    # 五.1(1) 摸清党员队伍的基本情况: what the unit's profile counts beside category and age.
    post_kind = models.CharField(
        _("post kind"), max_length=20, choices=PostKind.choices, blank=True
    )
    retired = models.BooleanField(_("retired"), default=False)
    floating = models.BooleanField(_("floating member (流动党员)"), default=False)
    out_of_contact = models.BooleanField(_("out of contact"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    # A member who leaves is kept with the date (never deleted: their campaign records stay);
    # one who moves changes organisation, and `organization_since` says from when.
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    organization_since = models.DateField(_("in this organisation since"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["organization__path", "code"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    @property
    def groups(self) -> tuple[str, ...]:
        """The member groups a campaign template may set thresholds for (R3)."""
        groups = [self.status]
        if self.is_leader_cadre:
            groups.append("leader_cadre")
        return tuple(groups)


class Transfer(models.Model):
    """A member's move from one organisation to another, with its date: the operation and
    its history (`orgs.services.move`). Marks the member earned in the old unit stay theirs
    (study hours belong to the member); a roll of a session held before the move still
    counts them in the old unit (`MemberQuerySet.in_subtree_on`)."""

    member = models.ForeignKey(
        Member, verbose_name=_("Party member"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_org = models.ForeignKey(
        Organization,
        verbose_name=_("from organisation"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_org = models.ForeignKey(
        Organization,
        verbose_name=_("to organisation"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    on = models.DateField(_("moved on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["member", "on", "pk"]
        indexes = [models.Index(fields=["on"])]

    def __str__(self):
        return f"{self.member} {self.from_org} → {self.to_org} ({self.on})"
