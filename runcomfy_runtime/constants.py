"""Every default the client uses, in one place: "how long does it wait?" is answered here."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://model-api.runcomfy.net"
BASE_URL_ENV = "RUNCOMFY_BASE_URL"
TOKEN_ENVS = ("RUNCOMFY_API_TOKEN", "YOUR_API_TOKEN")  # the second is the name the docs use

# One HTTP request.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
KEEPALIVE_EXPIRY = 4.0  # below common servers' 5 s, so a pooled connection is rarely stale
MAX_CONNECTIONS = 100
MAX_KEEPALIVE_CONNECTIONS = 20  # httpcore scans every pooled connection on each request

# Retries of one request (GETs and cancel; a submit only where it cannot have been accepted).
MAX_RETRIES = 4
RETRY_BASE_DELAY = 0.5  # seconds, doubled each attempt, full jitter
RETRY_MAX_DELAY = 8.0
RETRY_AFTER_CAP = 60.0  # a longer Retry-After raises RateLimitError instead of sleeping

# Waiting for a job: the interval grows with the time already waited, so the delay in noticing
# completion stays near POLL_PROPORTION of the job's length, between the floor and the cap.
POLL_MIN_INTERVAL = 0.3
POLL_PROPORTION = 0.12
POLL_MAX_INTERVAL = 5.0
POLL_JITTER = 0.1  # +/- 10 %, so many waiting clients do not poll in step
WAIT_TIMEOUT = 1800.0  # 30 min: video jobs take minutes; pass timeout= to change

# Downloads of outputs and probes of input images (other hosts: never sent the token).
DOWNLOAD_CHUNK = 256 * 1024
PROBE_TIMEOUT = 10.0
MAX_REDIRECTS = 5
LOCAL_IMAGE_MAX_BYTES = 20 * 1024 * 1024  # cap on a local file sent as a data URI
