"""What every Python peer measures, the same way kinesys-bench does: a
warm-up that is not counted, then a window of --duration seconds with the
completions of each whole second, the process's CPU time in the window and
request latency percentiles."""
import resource
import time


def load_records(path):
    out = []
    with open(path, "rb") as f:
        for line in f:
            key, _, data = line.rstrip(b"\n").partition(b"\t")
            out.append((key.decode(), data))
    return out


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


class Stats:
    def __init__(self, warmup, duration):
        self.start = time.monotonic()
        self.warm_end = self.start + warmup
        self.end = self.warm_end + duration
        self.measuring = False
        self.count = 0
        self.per_second = []
        self.second_count = 0
        self.next_second = None
        self.latencies = []
        self.failed_entries = 0
        self.requests = 0
        self.cpu0 = 0.0
        self.window_start = None
        self.window_end = None
        self.cpu = 0.0

    def _tick(self, now):
        if not self.measuring and now >= self.warm_end:
            self.measuring = True
            self.window_start = now
            self.next_second = now + 1
            self.cpu0 = cpu_seconds()
        while self.measuring and now >= self.next_second:
            self.per_second.append(self.second_count)
            self.second_count = 0
            self.next_second += 1

    def request(self, seconds):
        self.requests += 1
        if self.measuring:
            self.latencies.append(seconds * 1000.0)

    def done(self, n):
        now = time.monotonic()
        self._tick(now)
        if self.measuring and now < self.end:
            self.count += n
            self.second_count += n

    def over(self, now=None):
        now = now or time.monotonic()
        self._tick(now)
        if now >= self.end and self.window_end is None:
            self.window_end = now
            self.cpu = cpu_seconds() - self.cpu0
        return now >= self.end

    def finish_early(self):
        now = time.monotonic()
        self._tick(now)
        if self.window_end is None:
            self.window_end = now
            self.cpu = cpu_seconds() - self.cpu0 if self.measuring else 0.0

    def result(self, **extra):
        if self.window_end is None:
            self.finish_early()
        lat = sorted(self.latencies)

        def q(p):
            return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else 0.0

        seconds = (self.window_end - self.window_start) if self.window_start else 0.0
        out = {
            "records": self.count,
            "seconds": seconds,
            "cpu_seconds": self.cpu,
            "per_second": self.per_second,
            "requests": self.requests,
            "failed_entries": self.failed_entries,
            "latency_ms": {"p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "p999": q(0.999),
                           "max": lat[-1] if lat else 0.0, "samples": len(lat)},
        }
        out.update(extra)
        return out
