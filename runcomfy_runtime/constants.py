"""Every default the client uses, in one place: "how long does it wait?" is answered here."""

from __future__ import annotations

from runcomfy_runtime import __version__

DEFAULT_BASE_URL = "https://model-api.runcomfy.net"
# Where the token and the base URL come from, in order: the tables of ``sources.py``.
TOKEN_FILE_NAME = "token.json"

# One HTTP request.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0  # between two reads of one answer
REQUEST_TOTAL_TIMEOUT = 120.0  # one API request in all, however slowly the server trickles
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # an API answer, decoded (a gzip bomb stops here)
MAX_API_REDIRECTS = 5  # same-origin only: a redirect elsewhere is refused
SUBMIT_KEEPALIVE_EXPIRY = 1.0  # a submit never rides a connection idle long enough to be stale
KEEPALIVE_EXPIRY = 4.0  # below common servers' 5 s, so a pooled connection is rarely stale
MAX_CONNECTIONS = 100
MAX_KEEPALIVE_CONNECTIONS = 20  # httpcore scans every pooled connection on each request

# Retries of one request (GETs and cancel; a submit only where it cannot have been accepted).
MAX_RETRIES = 4
RETRY_BASE_DELAY = 0.5  # seconds, doubled each attempt; "equal jitter": half fixed, half random
RETRY_MAX_DELAY = 8.0
RETRY_AFTER_CAP = 60.0  # outside a wait, a longer Retry-After raises RateLimitError
RATE_LIMIT_WAIT = 300.0  # one call (a submit too) waits out 429s this long in all; in a wait,
# until the wait's deadline. A 429 is not counted against MAX_RETRIES: it proves nothing ran.

# The client's shared rate limiter (throttle.py): what a 429 does to every call of the client.
RATE_LIMIT_FLOOR = 0.5  # seconds: Retry-After: 0 (or none) never means "at once"
RATE_LIMIT_JITTER = 0.5  # each refused call waits up to 50 % more, so they do not return in step
RATE_LIMIT_MIN_RATE = 1.0  # requests a second the pace never falls below
RATE_LIMIT_GROWTH = 0.25  # the pace grows by a quarter of itself a second (double in 4 s) and
# halves on a 429: it settles around three quarters of the server's limit
RATE_LIMIT_ROUND = 1.0  # seconds between two cuts of the pace: a gateway's window
RATE_LIMIT_CUT_HELPS = 0.75  # a cut after which fewer than this share got through did not help
RATE_LIMIT_RECOVERY = 10.0  # seconds without a 429 that lift the pace

# Waiting for a job (polling.py says how these combine, with the figures behind them). Cold:
# a model with no finished job known; the interval is a fraction of the job's running age
# between a floor and the cap, so it reaches the cap 5 s into the run.
POLL_MIN_INTERVAL = 0.7  # cold: the first ask after a submit, and the shortest wait
POLL_KNOWN_MIN_INTERVAL = 0.3  # the shortest wait when more is known: a short job, a fast queue
POLL_PROPORTION = 0.4
POLL_MAX_INTERVAL = 2.0  # a long job costs one request per 2 s, noticed ~1 s late
POLL_JITTER = 0.2  # +/- 20 %, so waiting clients (and jobs of one length) do not poll in step
# Expected: a typical running length known (learned from finished jobs of the model, or given).
POLL_WINDOW_INTERVAL = 1.0  # dense polling around the likely end
POLL_WINDOW_MARGIN = 0.15  # the window opens 15 % before the earliest, ends 15 % after the latest
POLL_LEARNED_JOBS = 32  # finished jobs remembered per model (in memory and in the record)
# The record of job lengths kept between processes (poll_record.py).
POLL_RECORD_MODELS = 64  # models in the file; the least recently updated is dropped
POLL_RECORD_MAX_SECONDS = 86400.0  # a length above a day is not a job length: refused
POLL_RECORD_WRITE_EVERY = 1.0  # a client rewrites the file at most once a second; close() the rest
POLL_RECORD_ENV_OFF = "RUNCOMFY_NO_POLL_CACHE"  # set (not "" or "0"): no record read or written
POLL_RECORD_ENV_DIR = "RUNCOMFY_CACHE_DIR"  # where it lives, instead of the user cache directory
WAIT_TIMEOUT = 1800.0  # 30 min: video jobs take minutes; pass timeout= to change

USER_AGENT = f"runcomfy-python/{__version__}"

# Downloads of outputs and probes of input files (other hosts: never sent the token).
DOWNLOAD_MAX_BYTES = 2 * 1024**3  # one output file; change per call with max_bytes=
DOWNLOAD_MAX_REDIRECTS = 5
PROBE_TIMEOUT = 10.0  # seconds one probe may take in all: every redirect and every range
PROBE_MAX_REDIRECTS = 5
PROBE_FIRST_RANGE_BYTES = 64 * 1024  # holds the header of nearly every JPEG, PNG, GIF, WebP
PROBE_HEADER_CAP_BYTES = 1024 * 1024  # generous: EXIF and ICC blocks precede a JPEG's header
PROBE_USER_AGENT = f"runcomfy-python/{__version__} (input probe)"

# Local files sent inline as data: URIs. RunComfy's own nodes keep a data URI under 6 MiB "to
# fit the Model API request limit", and a whole request under 64 MiB.
INLINE_FILE_MAX_BYTES = 6 * 1024 * 1024  # one data: URI, as sent (base64 adds a third)
INLINE_REQUEST_MAX_BYTES = 64 * 1024 * 1024  # the whole JSON body of a submit

# Local files too large to inline, uploaded by the client's uploader (uploads.py) and sent as
# the URL it gives.
UPLOAD_FILE_MAX_BYTES = 5 * 1024**3  # S3's largest single PUT; a local file is read no further
UPLOAD_CHUNK_BYTES = 1024 * 1024  # a local file is measured and hashed this much at a time
UPLOAD_MIN_LIFETIME = 60.0  # seconds: a URL expiring sooner would fail before the job ran
UPLOAD_EXPIRES = 3600  # seconds a pre-signed URL of S3Uploader lives by default
UPLOAD_TIMEOUT = 300.0  # seconds EmulatorUploader's PUT may take in all

# A schema's ``pattern``: re2 (linear time) matches every pattern it compiles; the few it
# cannot (lookaround, backreferences) run on the ``regex`` module, bounded per match.
PATTERN_MATCH_TIMEOUT = 1.0  # seconds; a value not decided in time is refused, never passed
