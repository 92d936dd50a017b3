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
