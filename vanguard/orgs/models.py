"""The organisation tree (committee → general branch → branch) and its Party members.

The tree is a materialized path (django-treebeard's MP_Node): "this node and its whole
subtree" is `path__startswith=node.path`, one query on an indexed column.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")


class OrgCategory(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    INSTITUTION = "institution", _("Public institution")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")


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
        return self.path.startswith(other.path)

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


class MemberQuerySet(models.QuerySet):
    def active(self, on=None):
        """Members who have not left (by `on`, default today)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=on))


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
