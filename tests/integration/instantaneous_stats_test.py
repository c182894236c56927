"""INFO stats instantaneous_ops_per_sec / instantaneous_input_kbps / instantaneous_output_kbps
follow the real load: while redis-benchmark runs, each is within a factor of 2 of the rate this
test measures itself from total_commands_processed / total_net_input_bytes /
total_net_output_bytes over a second; once the load stops they fall back near zero. The same
checks run on redis-server 7.0 (which averages 1.6 s of 100 ms samples where lrukv takes the last
second), so the test also shows both servers' figures mean the same thing."""
import subprocess
import time

import redis

from servers import parse_args, start_lrukv, start_redis


def stats(c):
    return c.info("stats")


def measured_rates(c):
    """Rates over about one second, from the cumulative counters."""
    a, t0 = stats(c), time.monotonic()
    time.sleep(1.0)
    b, t1 = stats(c), time.monotonic()
    dt = t1 - t0
    return {
        "ops": (b["total_commands_processed"] - a["total_commands_processed"]) / dt,
        "in_kbps": (b["total_net_input_bytes"] - a["total_net_input_bytes"]) / 1024 / dt,
        "out_kbps": (b["total_net_output_bytes"] - a["total_net_output_bytes"]) / 1024 / dt,
    }


def reported_rates(c):
    s = stats(c)
    return {"ops": s["instantaneous_ops_per_sec"], "in_kbps": s["instantaneous_input_kbps"],
            "out_kbps": s["instantaneous_output_kbps"]}


def check(name, port):
    c = redis.Redis(port=port)
    # A steady load for about 5 s: 10 clients, no pipelining, SET of 100-byte values.
    bench = subprocess.Popen(["redis-benchmark", "-p", str(port), "-c", "10", "-t", "set",
                              "-d", "100", "-n", "100000000", "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.0)  # past the first samples of both servers' windows
        measured = measured_rates(c)
        reported = reported_rates(c)
    finally:
        bench.kill()
        bench.wait()
    for field in ("ops", "in_kbps", "out_kbps"):
        m, r = measured[field], reported[field]
        assert m > 0, (name, field, measured)
        assert m / 2 <= r <= m * 2, f"{name}: {field} reported {r}, measured {m:.1f}"
    time.sleep(2.5)  # both windows now hold only idle time (and this test's INFO calls)
    idle = reported_rates(c)
    assert idle["ops"] < 20, (name, idle)
    assert idle["in_kbps"] < 5 and idle["out_kbps"] < 5, (name, idle)
    c.close()
    print(f"{name}: measured {measured}, reported {reported}, idle {idle}")


def main():
    args = parse_args(__doc__)
    servers = [("redis", start_redis()), ("lrukv", start_lrukv(args.build_dir))]
    try:
        for name, server in servers:
            check(name, server.port)
    finally:
        for _, server in servers:
            server.cleanup()


if __name__ == "__main__":
    main()
