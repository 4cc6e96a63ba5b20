"""Files attached to entries: bytes on disk by content hash (`storage`), what a file is judged
from its content (`content`), the metadata rows and who may read them (`records`), an entry's
ids checked and attached as it is saved (`links`), a ledger's files as one ZIP (`archive`)."""
