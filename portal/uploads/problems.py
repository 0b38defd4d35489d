"""Why an upload is refused."""

from enum import StrEnum


class UploadProblem(StrEnum):
    """Why a file is refused; ``portal.projects.messages`` words each one."""

    EMPTY = "upload_empty"
    TOO_LARGE = "upload_too_large"
    BAD_NAME = "upload_bad_name"
    SVG = "upload_svg"
    NOT_ALLOWED = "upload_type_not_allowed"
    EXTENSION_MISMATCH = "upload_extension_mismatch"
    BROKEN_IMAGE = "upload_broken_image"
    IMAGE_TOO_BIG = "upload_image_too_big"
    ANIMATED = "upload_animated"
    PDF_SCRIPT = "upload_pdf_script"
    PDF_UNREADABLE = "upload_pdf_unreadable"
    PDF_TOO_COMPLEX = "upload_pdf_too_complex"
