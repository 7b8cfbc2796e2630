"""Helpers for scripts/s3-server/start.sh. Run with Debian's /usr/bin/python3 (where the swift package lives).

  swift_helper.py rings <swift_dir> <devices_dir> <account_port> <container_port> <object_port>
      Builds account/container/object rings (one device each on 127.0.0.1) in <swift_dir>, in one process.
  swift_helper.py serve <swift_dir> <server-kind> <conf> [-v]
      Runs one Swift WSGI server with swift.conf read from <swift_dir> instead of /etc/swift.
  swift_helper.py ready <endpoint> <access_key> <secret_key> <region> <bucket> <timeout_s>
      Waits for GET /healthcheck, then for a signed S3 CreateBucket (or BucketAlreadyOwnedByYou) to succeed.
"""

import datetime
import hashlib
import hmac
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def build_rings(swift_dir, devices_dir, account_port, container_port, object_port):
    from swift.common.ring import RingBuilder

    os.makedirs(os.path.join(devices_dir, "d1"), exist_ok=True)
    for name, port in (("account", account_port), ("container", container_port), ("object", object_port)):
        builder = RingBuilder(6, 1, 1)
        builder.add_dev(
            {"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port), "device": "d1", "weight": 100.0}
        )
        builder.rebalance(seed=1)
        builder.save(os.path.join(swift_dir, name + ".builder"))
        builder.get_ring().save(os.path.join(swift_dir, name + ".ring.gz"))


def serve(swift_dir, kind, argv):
    from swift.common import utils

    utils.set_swift_dir(swift_dir)
    from swift.common import storage_policy

    storage_policy.reload_storage_policies()
    from swift.common.wsgi import run_wsgi

    if os.environ.get("S3_SERVER_FSYNC", "0") != "1":
        # A throwaway test server: skip fsync (durability only; the S3 protocol is unchanged). S3_SERVER_FSYNC=1 keeps it.
        from swift.common import db, utils as common_utils
        from swift.obj import diskfile

        def no_sync(*_args, **_kwargs):
            return None

        for module in (common_utils, diskfile, db):
            for name in ("fsync", "fdatasync", "fsync_dir"):
                if hasattr(module, name):
                    setattr(module, name, no_sync)

    sys.argv = [kind] + argv
    conf_file, options = utils.parse_options()
    extra = {}
    if kind == "object-server":
        from swift.obj import server

        extra["global_conf_callback"] = server.global_conf_callback
    sys.exit(run_wsgi(conf_file, kind, **extra, **options))


class MemoryCache:
    """An in-process stand-in for swift.common.memcached.MemcacheRing (same methods), so no memcached is needed."""

    def __init__(self):
        self._items = {}

    def _live(self, key):
        item = self._items.get(key)
        if item is None:
            return None
        value, expires = item
        if expires and expires < time.time():
            del self._items[key]
            return None
        return item

    def set(self, key, value, serialize=True, time=0, min_compress_len=0, raise_on_error=False):
        import json
        import time as clock

        stored = json.loads(json.dumps(value)) if serialize else value
        self._items[key] = (stored, clock.time() + time if time else 0)

    def get(self, key, raise_on_error=False):
        item = self._live(key)
        return None if item is None else item[0]

    def incr(self, key, delta=1, time=0):
        item = self._live(key)
        value = int(item[0]) + int(delta) if item else int(delta)
        value = max(value, 0)
        self.set(key, value, serialize=False, time=time)
        return value

    def decr(self, key, delta=1, time=0):
        return self.incr(key, -int(delta), time)

    def delete(self, key, server_key=None):
        self._items.pop(key, None)

    def set_multi(self, mapping, server_key, serialize=True, time=0, min_compress_len=0):
        for key, value in mapping.items():
            self.set(key, value, serialize, time)

    def get_multi(self, keys, server_key):
        return [self.get(key) for key in keys]


def memory_cache_filter_factory(global_conf, **local_conf):
    """paste.deploy filter: puts one MemoryCache per process into env['swift.cache']."""
    cache = MemoryCache()

    def cache_filter(app):
        def middleware(env, start_response):
            env["swift.cache"] = cache
            return app(env, start_response)

        return middleware

    return cache_filter


def _sign(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def create_bucket(endpoint, access_key, secret_key, region, bucket):
    """A SigV4-signed S3 CreateBucket (PUT /<bucket>); returns the HTTP status."""
    url = urllib.parse.urlsplit(endpoint)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")
    payload_hash = hashlib.sha256(b"").hexdigest()
    path = "/" + urllib.parse.quote(bucket)
    headers = {"host": url.netloc, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(
        ["PUT", path, "", "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, payload_hash]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _sign(_sign(_sign(_sign(("AWS4" + secret_key).encode(), day), region), "s3"), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
    )
    request = urllib.request.Request(endpoint.rstrip("/") + path, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def ready(endpoint, access_key, secret_key, region, bucket, timeout_s):
    deadline = time.monotonic() + float(timeout_s)
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(endpoint.rstrip("/") + "/healthcheck", timeout=2) as response:
                if response.status == 200:
                    status, body = create_bucket(endpoint, access_key, secret_key, region, bucket)
                    if status == 200 or (status == 409 and "BucketAlreadyOwnedByYou" in body):
                        return 0
                    last = f"CreateBucket answered {status}: {body[:300]}"
        except (OSError, urllib.error.URLError) as error:
            last = str(error)
        time.sleep(0.1)
    print(f"s3-server: not ready after {timeout_s} s: {last}", file=sys.stderr)
    return 1


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "rings":
        build_rings(*sys.argv[2:7])
    elif command == "serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif command == "ready":
        sys.exit(ready(*sys.argv[2:8]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
