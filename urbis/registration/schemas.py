import datetime as dt

from ninja import Field, Schema

from urbis.api.pagination import PageParams


class RegistrationIn(Schema):
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    category: str
    mode: str
    privacy_consent: bool
    organisation: str | None = Field(None, description="slug of a listed organisation")
    organisation_name: str = Field("", max_length=200)
    function: str = Field("", max_length=200)
    country: str = Field("", max_length=2)
    city: str = Field("", max_length=120)
    languages: list[str] = []
    time_zone: str = Field("", max_length=64)
    accessibility_needs: str = Field("", max_length=2000)
    dietary_needs: str = Field("", max_length=300)
    visa_letter: bool = False
    answers: dict[str, str] = {}


class RegistrationOut(Schema):
    id: int
    edition: str
    first_name: str
    last_name: str
    email: str
    category: str
    mode: str
    status: str
    organisation: str
    country: str
    city: str
    function: str
    created_at: dt.datetime
    offer_expires_at: dt.datetime | None = None
    onsite_waiting: bool = Field(False, description="online, and on the on-site waiting list")
    # Only for staff and the person themselves:
    accessibility_needs: str | None = None
    dietary_needs: str | None = None
    visa_letter: bool | None = None
    badge_code: str | None = None


class RegistrationPage(Schema):
    count: int
    items: list[RegistrationOut]


class RegistrationQuery(PageParams):
    edition: str | None = Field(None, max_length=60)
    status: str | None = Field(None, max_length=12)


class ModeIn(Schema):
    mode: str


class ScanIn(Schema):
    code: str = Field(..., max_length=500)
    gate: str = Field("", max_length=60)
    session: str = Field("", max_length=12)


class ScanOut(Schema):
    result: str
    code: str
    message: str
    flagged: bool
    registration_id: int | None = None
    name: str | None = None
    category: str | None = None
    warnings: list[str] = []


class AttendanceOut(Schema):
    registration_id: int
    session: str
    joined_at: dt.datetime
    seconds: int
    attended: bool


class AttendancePage(Schema):
    count: int
    items: list[AttendanceOut]
