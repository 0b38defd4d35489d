"""The words for problems with district boundaries."""

from portal.community.rules import BoundaryProblem, Finding
from portal.i18n import _l
from portal.refusal import Catalogue, Problem

PROBLEMS = Catalogue({
    BoundaryProblem.NOT_JSON: _l("This is not GeoJSON: the text is not valid JSON. Check the "
                                 "brackets, commas and quotes, or export the file again."),
    BoundaryProblem.NOT_A_SHAPE: _l("A district's boundary must be a Polygon or a MultiPolygon "
                                    "(or a Feature with such a geometry)."),
    BoundaryProblem.BAD_RING: _l("Each ring of the polygon needs at least four points, the last "
                                 "one repeating the first."),
    BoundaryProblem.BAD_POSITION: _l("Each point must be a pair of numbers: longitude, then "
                                     "latitude."),
    BoundaryProblem.OUT_OF_RANGE: _l("A point is outside the globe: longitude must be between "
                                     "-180 and 180 and latitude between -90 and 90 (longitude "
                                     "comes first in GeoJSON)."),
    BoundaryProblem.NOT_CLOSED: _l("A ring of the polygon is not closed: its last point must "
                                   "repeat the first."),
    BoundaryProblem.TOO_BIG: _l("The boundary has too many points (at most 20,000); simplify "
                                "it before uploading."),
    BoundaryProblem.NO_FEATURES: _l("Upload a FeatureCollection with one Feature per district."),
    BoundaryProblem.NO_NAME: _l("A feature has no name: give each one the property \"name\" with "
                                "the district's name."),
    BoundaryProblem.UNKNOWN_NAME: _l("There is no district of this name in the community."),
    BoundaryProblem.REPEATED_NAME: _l("This district appears twice in the file."),
    "nothing": _l("Paste the GeoJSON or choose a file."),
})

FEATURE_PROBLEM = _l("Feature «%(feature)s»: %(problem)s")


def finding_problem(finding: Finding, field: str | None) -> Problem:
    """The refusal's words for one finding, naming its feature when there is one."""
    if not finding.feature:
        return PROBLEMS(finding.problem, field)
    return Problem(finding.problem, FEATURE_PROBLEM, field,
                   {"feature": finding.feature, "problem": PROBLEMS.words[finding.problem]})
