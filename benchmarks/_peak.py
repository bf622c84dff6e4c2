"""The peak-memory reading that benchmark child processes run, as source to prepend.

Why source: the children are fresh interpreters started with ``python -c``, so
they cannot import this directory. VmHWM is the high-water mark of the
process's memory, reset by exec; ``ru_maxrss`` is not (Linux keeps the
parent's across exec), so it is only the fallback where /proc is missing.
"""

PEAK_SOURCE = """
import resource

def peak_mb():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
"""
