"""Reads for land expropriation: each project's documents with their computed state, the lookup by place
(names and pinyin), the quarterly supervision figures and the gaps a county sees on its dashboard."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gongkai.core import clock
from gongkai.core.calendar import working_calendar
from gongkai.land import rules
from gongkai.land.models import Disclosure, ExpropriationProject, Place, PlaceLevel
from gongkai.orgs.models import Agency, Level


@dataclass
class DocumentRow:
    disclosure: Disclosure
    assessment: rules.Assessment

    @property
    def requirement(self) -> Any:
        return self.disclosure.requirement

    @property
    def item(self) -> Any:
        item = self.disclosure.item
        return item if item is not None and item.is_public else None

    @property
    def state(self) -> str:
        return self.assessment.state.value

    @property
    def state_label(self) -> str:
        return rules.STATE_LABELS[self.assessment.state]


@dataclass
class ProjectView:
    project: ExpropriationProject
    documents: list[DocumentRow]

    def count(self, *states: str) -> int:
        return sum(1 for d in self.documents if d.state in states)

    @property
    def counts(self) -> dict[str, int]:
        return {s.value: self.count(s.value) for s in rules.State}

    @property
    def gaps(self) -> list[DocumentRow]:
        return [d for d in self.documents if d.state in ("late", "missing")]

    @property
    def published(self) -> list[DocumentRow]:
        return [d for d in self.documents if d.assessment.published_on is not None]


def projects_qs() -> QuerySet[ExpropriationProject]:
    return (
        ExpropriationProject.objects.select_related("agency", "county", "city_agency")
        .prefetch_related(
            Prefetch(
                "disclosures",
                queryset=Disclosure.objects.select_related("requirement", "item", "item__agency").order_by(
                    "requirement__position", "requirement_id"
                ),
            ),
            Prefetch("places", queryset=Place.objects.select_related("parent").order_by("code")),
        )
        .order_by("-approval_date", "-id")
    )


def public_projects() -> QuerySet[ExpropriationProject]:
    return projects_qs().filter(withheld=False)


def assess_project(
    project: ExpropriationProject, *, cal: clock.WorkingCalendar | None = None, today: date | None = None
) -> ProjectView:
    cal = cal or working_calendar()
    today = today or timezone.localdate()
    rows = []
    for d in project.disclosures.all():
        if not d.requirement.active:
            continue
        a = rules.assess(
            cal,
            d.requirement.as_rule(),
            approval=project.approval_date,
            received=project.received,
            issued=d.issued_on,
            published=d.online_date,
            today=today,
            posting_start=d.posting_start,
            posting_end=d.posting_end,
            not_applicable=d.not_applicable,
        )
        rows.append(DocumentRow(d, a))
    return ProjectView(project, rows)


def assess_all(projects: Any, today: date | None = None) -> list[ProjectView]:
    cal = working_calendar()
    today = today or timezone.localdate()
    return [assess_project(p, cal=cal, today=today) for p in projects]


# --- places ----------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s'’·\-]+")


def normalise_query(text: str) -> str:
    return _SEPARATORS.sub("", text.strip().lower())[:40]


def search_places(text: str, within: Place | None = None) -> QuerySet[Place]:
    """Places whose name contains ``text``, or whose pinyin (full, without tones) or initials start with it:
    ``浏阳``, ``liuyang``, ``ly`` all find 浏阳市."""
    q = normalise_query(text)
    if not q:
        return Place.objects.none()
    if q.isascii():
        cond = Q(pinyin__startswith=q) | Q(initials__startswith=q)
        if len(q) >= 3:
            cond |= Q(pinyin__contains=q)
    else:
        cond = Q(name__contains=q)
    qs = (
        Place.objects.filter(cond)
        .exclude(level=PlaceLevel.PROVINCE)
        .select_related("parent", "parent__parent")
    )
    if within is not None:
        qs = qs.filter(code__startswith=prefix(within))
    return qs.order_by("level", "code")[:50]


def prefix(place: Place) -> str:
    """The code prefix shared by everything inside ``place``."""
    if place.level == PlaceLevel.PROVINCE:
        return place.code[:2]
    if place.level == PlaceLevel.CITY:
        return place.code[:4]
    return place.code


def projects_at(
    place: Place, qs: QuerySet[ExpropriationProject] | None = None
) -> QuerySet[ExpropriationProject]:
    """Every project in ``place``. A project that lists only a township (no village under it) is shown for
    each village of that township."""
    qs = public_projects() if qs is None else qs
    if place.level in (PlaceLevel.PROVINCE, PlaceLevel.CITY, PlaceLevel.COUNTY):
        return qs.filter(county__code__startswith=prefix(place))
    if place.level == PlaceLevel.TOWNSHIP:
        ids = ExpropriationProject.objects.filter(places__code__startswith=place.code).values("pk")
        return qs.filter(pk__in=ids)
    township = place.parent
    cond = Q(places=place)
    if township is not None:
        township_only = ExpropriationProject.objects.filter(places=township).exclude(places__parent=township)
        cond |= Q(pk__in=township_only.values("pk"))
    return qs.filter(pk__in=ExpropriationProject.objects.filter(cond).values("pk"))


def province_place() -> Place | None:
    return Place.objects.filter(level=PlaceLevel.PROVINCE).order_by("code").first()


def place_for_agency(agency: Agency) -> Place | None:
    """The place an agency's portal covers (its division)."""
    return Place.objects.filter(code=agency.division_code).first()


def county_counts(within: Place | None) -> list[dict[str, Any]]:
    """Counties (inside ``within``) with their number of public projects, for the region view."""
    from django.db.models import Count

    counties = Place.objects.filter(level=PlaceLevel.COUNTY)
    if within is not None:
        counties = counties.filter(code__startswith=prefix(within))
    rows = counties.annotate(
        n=Count("county_projects", filter=Q(county_projects__withheld=False))
    ).select_related("parent")
    return [{"place": c, "n": c.n} for c in rows.order_by("code")]


# --- supervision -------------------------------------------------------------------------------------------


def facts(view: ProjectView) -> rules.ProjectFacts:
    p = view.project
    return rules.ProjectFacts(
        unit=p.county.code,
        approval=p.approval_date,
        received=p.received,
        withheld=p.withheld,
        label=p.name,
        obligations=tuple(
            rules.ObligationFacts(
                key=d.requirement.key,
                online_due=d.assessment.online_due,
                published=d.disclosure.online_date,
                issued=d.disclosure.issued_on,
                statutory_due=d.assessment.statutory_due,
                statutory_late=d.assessment.statutory_late,
                posting_end=d.disclosure.posting_end,
                posting_ok=d.assessment.posting_ok,
                not_applicable=d.disclosure.not_applicable,
            )
            for d in view.documents
        ),
    )


@dataclass
class Unit:
    code: str  # division code (6 digits)
    name: str
    level: str  # city / county
    agency: Agency | None

    def contains(self, county_code: str) -> bool:
        return county_code[:4] == self.code[:4] if self.level == Level.CITY else county_code == self.code


def units(scope: Agency | None) -> list[Unit]:
    agencies = Agency.objects.filter(level__in=[Level.CITY, Level.COUNTY], is_active=True)
    if scope is not None:
        agencies = agencies.subtree_of(scope)
    out = [
        Unit(a.division_code, a.division_name.replace("湖南省", ""), a.level, a)
        for a in agencies.order_by("division_code")
    ]
    return out


def _all_facts(scope: Agency | None, today: date) -> list[rules.ProjectFacts]:
    qs = projects_qs()
    if scope is not None:
        qs = qs.filter(agency__path__startswith=scope.path)
    return [facts(v) for v in assess_all(qs, today)]


def supervision(
    quarter: rules.Quarter, scope: Agency | None = None, today: date | None = None
) -> dict[str, Any]:
    """Every city and county of ``scope`` for ``quarter``: figures, score, rank; plus each county's trend
    over the four quarters ending with ``quarter``."""
    cal = working_calendar()
    today = today or timezone.localdate()
    all_facts = _all_facts(scope, today)
    trend_quarters = rules.quarters_between(quarter.previous().previous().previous(), quarter)
    result: dict[str, Any] = {"quarter": quarter, "trend_quarters": trend_quarters}
    for level in (Level.CITY, Level.COUNTY):
        rows = []
        for unit in units(scope):
            if unit.level != level:
                continue
            mine = [f for f in all_facts if unit.contains(f.unit)]
            stats = rules.quarter_stats(cal, unit.code, mine, quarter)
            trend = [rules.quarter_stats(cal, unit.code, mine, q) for q in trend_quarters]
            rows.append((unit, stats, trend))
        ranked = rules.rank([s for _u, s, _t in rows])
        by_code = {s.unit: (pos, s) for pos, s in ranked}
        ordered = sorted(
            rows, key=lambda r: (by_code[r[1].unit][0] is None, by_code[r[1].unit][0] or 0, r[0].code)
        )
        result["cities" if level == Level.CITY else "counties"] = [
            {"rank": by_code[s.unit][0], "unit": u, "stats": s, "trend": t} for u, s, t in ordered
        ]
    counties = [r["stats"] for r in result["counties"]]
    result["summary"] = {
        "approved": sum(s.approved for s in counties),
        "due": sum(s.due for s in counties),
        "on_time": sum(s.on_time for s in counties),
        "late": sum(s.late for s in counties),
        "missing": sum(s.missing for s in counties),
    }
    return result


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def supervision_snapshot(quarter: rules.Quarter, scope: Agency | None) -> dict[str, Any]:
    """The figures as plain JSON, frozen into the 通报 when it is generated."""
    from gongkai.land.models import RequiredDisclosure

    names = dict(RequiredDisclosure.objects.values_list("key", "name"))
    data = supervision(quarter, scope, today=None)

    def row(r: dict[str, Any]) -> dict[str, Any]:
        s: rules.UnitQuarter = r["stats"]
        return {
            "rank": r["rank"],
            "code": r["unit"].code,
            "name": r["unit"].name,
            "approved": s.approved,
            "due": s.due,
            "on_time": s.on_time,
            "late": s.late,
            "missing": s.missing,
            "ratios": {k: _pct(v) for k, v in s.ratios.items()},
            "deductions": s.deductions,
            "score": s.score,
            "grade": s.grade or "本季度无应公开事项",
            "veto": s.veto,
            "small_sample": s.small_sample,
            "problems": [
                {"project": p, "document": names.get(k, k), "issue": issue, "due": d.isoformat() if d else ""}
                for p, k, issue, d in s.problems
            ],
            "trend": [
                {"quarter": str(t.quarter), "score": t.score, "missing": t.missing} for t in r["trend"]
            ],
        }

    return {
        "quarter": str(quarter),
        "label": quarter.label,
        "generated_on": timezone.localdate().isoformat(),
        "summary": data["summary"],
        "cities": [row(r) for r in data["cities"]],
        "counties": [row(r) for r in data["counties"]],
        "trend_quarters": [str(q) for q in data["trend_quarters"]],
    }


def gaps(
    agencies: Any, today: date | None = None, limit: int = 20
) -> list[tuple[ExpropriationProject, DocumentRow]]:
    """Missing documents of the projects of ``agencies`` (the dashboard panel), most overdue first."""
    qs = projects_qs().filter(agency__in=agencies)
    out = []
    for view in assess_all(qs, today):
        for d in view.documents:
            if d.state == "missing":
                out.append((view.project, d))
    out.sort(key=lambda pd: pd[1].assessment.online_due or date.max)
    return out[:limit]
