"""Target programs as the council approves them, and the money that flows through them.

A program has an approving decision and amendments, a passport (``seeds/003``), priority
tasks and measures numbered the documents' way ("3.3" is measure 3 of task 3). Each
measure has funding lines (year, source, planned kopecks); payments recorded against a
line are what the reports call "фактично профінансовано". Performance indicators are
kept per program and year in the four groups of the report form.

Nothing here stores a total: every sum and percentage in a report is computed from these
rows at report time (DESIGN rule 3).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from portal.db import Base
from portal.enums import enum_column
from portal.programs.rules import FundingSource, IndicatorGroup, PortalFigure
from portal.tenancy.models import CommunityOwned, signatories_of
from portal.tenancy.scope import for_insert

if TYPE_CHECKING:
    from portal.projects.models import Project


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal with three places, stored as an integer number of thousandths.

    Indicator figures ("809,5", "166,7", "3500") must round-trip exactly on SQLite,
    which has no decimal type and would hand SQLAlchemy a float.
    """

    impl = BigInteger
    cache_ok = True
    SCALE = 1000

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self.SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than three decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / self.SCALE).normalize() if value else Decimal(0)


class Department(CommunityOwned, Base):
    """A structural unit of the council: an executor of measures and of winners' projects."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("community_id", "name"),)

    def __str__(self) -> str:
        return self.name


#: Which departments carry out a measure. The link is its community's too: the database
#: keeps both ends in it (``portal.tenancy.guards``, ``info["community_owned"]``).
measure_departments = Table(
    "measure_departments",
    Base.metadata,
    Column("measure_id", ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="RESTRICT"), primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="RESTRICT"), nullable=False,
           default=for_insert),
    info={"community_owned": True},
)


class Program(CommunityOwned, Base):
    """A target program with its heading and passport; ``code`` names it on the command line."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    start_year: Mapped[int]
    end_year: Mapped[int]
    # The approving decision: "рішення <approved_by> від <approved_on> №<approval_number>".
    approved_by: Mapped[str] = mapped_column(String(300), default="")
    approved_on: Mapped[date | None]
    approval_number: Mapped[str] = mapped_column(String(60), default="")
    # The passport (Nizhyn's program, seeds/003).
    initiator: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    developer: Mapped[str] = mapped_column(Text, default="")
    responsible_executor: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    budgets: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[str] = mapped_column(Text, default="")
    #: Who signs the program's reports first, its responsible executor (seeds/000): a JSON
    #: list of {"position", "name"}, as ``Community.signatories``; the community's follow.
    signatories: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    amendments: Mapped[list[ProgramAmendment]] = relationship(
        back_populates="program", cascade="all, delete-orphan",
        order_by="(ProgramAmendment.decided_on, ProgramAmendment.id)",
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="Task.number"
    )

    __table_args__ = (
        CheckConstraint("start_year <= end_year", name="term_order"),
        CheckConstraint("start_year BETWEEN 1991 AND 2100", name="start_year_range"),
        CheckConstraint("end_year - start_year < 20", name="term_length"),
        UniqueConstraint("community_id", "code"),
    )

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def signatory_list(self) -> tuple[tuple[str, str], ...]:
        return signatories_of(self.signatories)

    def __str__(self) -> str:
        return self.title


class ProgramAmendment(CommunityOwned, Base):
    """A decision that amended the program: "рішення <decided_by> від <date> № <number>"."""

    __tablename__ = "program_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    decided_by: Mapped[str] = mapped_column(String(300))
    decided_on: Mapped[date]
    number: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text, default="")

    program: Mapped[Program] = relationship(back_populates="amendments")

    __table_args__ = (UniqueConstraint("program_id", "decided_on", "number"),)


class Task(CommunityOwned, Base):
    """A priority task, numbered 1, 2, ... within its program."""

    __tablename__ = "program_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text)

    program: Mapped[Program] = relationship(back_populates="tasks")
    measures: Mapped[list[Measure]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Measure.seq"
    )

    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class Measure(CommunityOwned, Base):
    """A measure; its number is its task's number, a dot and ``seq`` ("3.3")."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("program_tasks.id", ondelete="CASCADE"))
    seq: Mapped[int]
    content: Mapped[str] = mapped_column(Text)
    # Terms are not always dates: "2017-2020 роки", "постійно", "IV квартал".
    term: Mapped[str] = mapped_column(String(200), default="")
    # Executors as the document prints them; ``departments`` are the structured ones.
    executors: Mapped[str] = mapped_column(Text, default="")
    expected_results: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[Task] = relationship(back_populates="measures")
    departments: Mapped[list[Department]] = relationship(
        secondary=measure_departments, order_by="Department.name"
    )
    lines: Mapped[list[FundingLine]] = relationship(
        back_populates="measure", cascade="all, delete-orphan",
        order_by="(FundingLine.year, FundingLine.source, FundingLine.id)",
    )

    __table_args__ = (
        UniqueConstraint("task_id", "seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    @property
    def number(self) -> str:
        return f"{self.task.number}.{self.seq}"

    @property
    def executors_text(self) -> str:
        """What the report prints: the typed executors, else the departments' names."""
        return self.executors or ", ".join(d.name for d in self.departments)


class FundingLine(CommunityOwned, Base):
    """A measure's planned amount for one year from one source.

    A measure has at most one general line per year and source; each participatory-budget
    winner gets a line of its own (see ``portal.programs.winners``).
    """

    __tablename__ = "funding_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    year: Mapped[int]
    source: Mapped[FundingSource] = mapped_column(enum_column(FundingSource, "funding_source"))
    planned: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(300), default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT")
    )
    # The participatory-budget project this line funds (a winner), if any; the project
    # reaches its line as ``project.funding_line``.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="RESTRICT"), unique=True
    )
    created_at: Mapped[datetime]

    measure: Mapped[Measure] = relationship(back_populates="lines")
    department: Mapped[Department | None] = relationship()
    project: Mapped[Project | None] = relationship(
        backref=backref("funding_line", uselist=False)
    )
    financings: Mapped[list[Financing]] = relationship(
        back_populates="line", order_by="(Financing.paid_on, Financing.id)",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint("planned >= 0", name="planned_not_negative"),
        CheckConstraint("year BETWEEN 1991 AND 2100", name="year_range"),
        Index("ix_funding_lines_measure_year", "measure_id", "year"),
        # A community's winners' lines in project order (the implementation page, the home
        # page's figures and latest updates).
        Index("ix_funding_lines_community", "community_id", "project_id"),
        # One general line per measure, year and source; winners' lines are apart. With
        # UNIQUE(project_id) this is what keeps a double-submitted form or two staff
        # members from planning the same money twice.
        Index(
            "uq_funding_lines_general", "measure_id", "year", "source", unique=True,
            sqlite_where=text("project_id IS NULL"), postgresql_where=text("project_id IS NULL"),
        ),
    )

    @property
    def financed(self) -> int:
        return sum(f.amount for f in self.financings)


class Financing(CommunityOwned, Base):
    """A payment made on a line: the date, the amount and the payment document."""

    __tablename__ = "financings"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("funding_lines.id", ondelete="CASCADE"))
    paid_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[str] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime]

    line: Mapped[FundingLine] = relationship(back_populates="financings")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_financings_line", "line_id"),
        # A community's payments summed by line (the annual report).
        Index("ix_financings_community_line", "community_id", "line_id"),
    )


class Indicator(CommunityOwned, Base):
    """A performance indicator of a program for a year.

    When ``figure`` is set, the report computes the actual value from the portal's records
    (``portal.reports.figures``) and ``actual`` is not used.
    """

    __tablename__ = "program_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    year: Mapped[int]
    group: Mapped[IndicatorGroup] = mapped_column(enum_column(IndicatorGroup, "indicator_group"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(60), default="")
    planned: Mapped[Decimal] = mapped_column(ScaledDecimal())
    actual: Mapped[Decimal | None] = mapped_column(ScaledDecimal())
    figure: Mapped[PortalFigure | None] = mapped_column(enum_column(PortalFigure, "portal_figure"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    remedies: Mapped[str] = mapped_column(Text, default="")

    program: Mapped[Program] = relationship()

    __table_args__ = (UniqueConstraint("program_id", "year", "group", "position"),)


class MeasureExecutionText(CommunityOwned, Base):
    """What staff wrote about a measure's execution in a year ("Інформація про виконання")."""

    __tablename__ = "measure_execution_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    year: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    measure: Mapped[Measure] = relationship()

    __table_args__ = (UniqueConstraint("measure_id", "year"),)
