from ninja import Field, Schema

NO_NUL = r"^[^\x00]*$"  # databases refuse NUL characters in text: a validation error here


class BallotIn(Schema):
    member: int
    ballot: dict


class TrackerOut(Schema):
    tracker: str


class CredentialIn(Schema):
    credential: str
    weight: int = 1


class CredentialsIn(Schema):
    credentials: list[CredentialIn]


class CountOut(Schema):
    count: int


class DecryptionIn(Schema):
    decryption: dict


class StatusOut(Schema):
    status: str


class TrusteeKeyIn(Schema):
    box_public_key: str


class DealingIn(Schema):
    dealing: dict


class ConfirmationIn(Schema):
    """Either the verification key and its proof, or a complaint naming the dealers whose share failed."""

    verification_key: str | None = None
    proof: list[str] | None = None
    complaint: list[int] | None = None


class CeremonyOut(Schema):
    ceremony: str
    failure: dict
    public_key: str


class QuorumOut(Schema):
    met: bool
    have: int
    needed: int
    total: int


class MeetingStateOut(Schema):
    status: str
    present: int
    represented: int
    seats: int
    quorum: QuorumOut


# ------------- member self-service: proxies


class MemberRefOut(Schema):
    id: int
    name: str


class ProxyIn(Schema):
    grantor: int
    holder: int


class ProxyOut(Schema):
    grantor: MemberRefOut
    holder: MemberRefOut
    holder_delegate: str | None


class ProxiesOut(Schema):
    cap: int
    frozen: bool
    proxies: list[ProxyOut]


# ------------- staff: agenda, documents, minutes


class ItemOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    body: str
    quorum_rule: str
    majority_rule: str
    status: str


class ItemPatchIn(Schema):
    """The fields to change; those left out keep their value."""

    title: str | None = Field(None, max_length=200, pattern=NO_NUL)
    body: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    quorum_rule: str | None = Field(None, max_length=20)
    majority_rule: str | None = Field(None, max_length=20)


class MoveIn(Schema):
    direction: str = Field(max_length=10)  # "up" or "down"


class DocumentOut(Schema):
    id: int
    title: str
    item: int | None
    visibility: str
    content_type: str
    size: int
    url: str


class MinutesIn(Schema):
    text: str = Field(max_length=200_000, pattern=NO_NUL)


class MinutesOut(Schema):
    """`text`: the approved minutes (empty until approved); `draft`: the text being written (staff only)."""

    status: str
    text: str
    approved_at: str | None
    approved_by: str | None
    draft: str | None
