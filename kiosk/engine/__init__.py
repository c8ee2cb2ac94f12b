"""The decision engine: pure Python, no web framework and no database.

Content (questionnaires/) → load_content → Content; answers → walk → Progress; answers → resolve → Result.
"""

from .answer_set import Answers
from .answers import parse_answer
from .conditions import UNKNOWN, AnswerValue
from .content import Content
from .errors import AnswerError, ContentError, ContentProblem
from .loader import FLOW_FILES, load_content
from .path import Progress, walk
from .resolver import Result, resolve

__all__ = [
    "FLOW_FILES",
    "UNKNOWN",
    "AnswerError",
    "AnswerValue",
    "Answers",
    "Content",
    "ContentError",
    "ContentProblem",
    "Progress",
    "Result",
    "load_content",
    "parse_answer",
    "resolve",
    "walk",
]
