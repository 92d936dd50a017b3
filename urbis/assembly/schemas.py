from ninja import Schema


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
