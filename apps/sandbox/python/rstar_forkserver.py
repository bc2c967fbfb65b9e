"""rstar-fleet sandbox fork-server: one pool slot.

Started by the Node supervisor as ``python3 -I -B rstar_forkserver.py '<config json>'`` with fd 0
(requests) and fd 1 (responses) as pipes carrying length-prefixed JSON frames, fd 2 for its own
diagnostics. Two processes:

* the *launcher* (this process as started) takes the slot's uid lock, kills whatever a previous
  incarnation of the slot left behind, enters new network, mount, IPC, UTS and PID namespaces
  (each on its own, each reported) and forks
* the *server*, PID 1 of the new PID namespace: it builds a read-only root with a private tmpfs,
  pins itself to a core, imports and exercises math, fractions, sympy and numpy, freezes the heap
  and then serves executions one at a time. Every execution is a freshly forked child that drops
  to the slot's unprivileged uid, sets rlimits, installs a seccomp filter and runs the program;
  the server enforces wall time from outside, caps output while it is produced, and when the
  program ends kills and reaps every process it left behind.

Nothing here trusts the program: it is a child with a different uid, no capabilities, no way to
signal the server, and nothing it writes is parsed except a one-byte status hint that only affects
its own result.
"""

import ctypes
import ctypes.util
import errno
import fcntl
import gc
import json
import mmap
import os
import resource
import select
import shutil
import signal
import socket
import struct
import sys
import time
import traceback

PROTOCOL_VERSION = 1

# --- Linux constants (stable ABI) ---------------------------------------------------------------
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWTIME = 0x00000080
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}

# Status hints written by the execution child on fd 3. The first byte says whether the program
# started (R) or the sandbox failed to set the execution up (S, followed by the reason); the last
# byte says how it ended (M: MemoryError escaped, D: done). The program can write to fd 3 too, but
# it only ever changes its own result: R is written before any of its code runs.
HINT_STARTED = b"R"
HINT_MEMORY = b"M"
HINT_DONE = b"D"
HINT_SETUP_FAILED = b"S"

EXEC_FILENAME = "<sandbox>"
READ_CHUNK = 65536

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def prctl(option, arg2=0, arg3=0, arg4=0, arg5=0):
    _check(
        _libc.prctl(
            ctypes.c_int(option),
            ctypes.c_ulong(arg2),
            ctypes.c_ulong(arg3),
            ctypes.c_ulong(arg4),
            ctypes.c_ulong(arg5),
        ),
        "prctl(%d)" % option,
    )


def unshare(flags):
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(
        _libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
        "mount %s" % target,
    )


def umount2(target, flags):
    _check(_libc.umount2(target.encode(), ctypes.c_int(flags)), "umount2 %s" % target)


def pivot_root(new_root, put_old):
    nr = SYS_PIVOT_ROOT.get(os.uname().machine)
    if nr is None:
        raise OSError(errno.ENOSYS, "pivot_root: unknown syscall number on " + os.uname().machine)
    _check(_libc.syscall(ctypes.c_long(nr), new_root.encode(), put_old.encode()), "pivot_root")


def log(msg):
    try:
        os.write(2, ("rstar-forkserver[%d]: %s\n" % (os.getpid(), msg)).encode("utf-8", "replace"))
    except OSError:
        pass


# --- framing ------------------------------------------------------------------------------------
def read_exact(fd, n):
    chunks = []
    while n > 0:
        try:
            b = os.read(fd, n)
        except BlockingIOError:
            select.select([fd], [], [])
            continue
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read_frame(fd):
    head = read_exact(fd, 4)
    if head is None:
        return None
    (n,) = struct.unpack(">I", head)
    body = read_exact(fd, n)
    if body is None:
        return None
    return json.loads(body.decode("utf-8"))


def write_frame(fd, obj):
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")
    data = struct.pack(">I", len(body)) + body
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            select.select([], [fd], [])
            continue
        view = view[n:]


# --- layers -------------------------------------------------------------------------------------
class Layers:
    """What isolation is active, and why not where it is not. Sent to the supervisor in hello."""

    def __init__(self):
        self.items = {}

    def set(self, name, active, detail):
        self.items[name] = {"active": bool(active), "detail": detail}

    def active(self, name):
        item = self.items.get(name)
        return bool(item and item["active"])


# --- output capture -----------------------------------------------------------------------------
def _trim_utf8_end(b):
    """Drop an incomplete UTF-8 sequence at the end of b (a head cut in the middle of a char)."""
    for back in range(1, min(4, len(b)) + 1):
        c = b[-back]
        if c & 0xC0 == 0x80:
            continue
        need = 1 if c < 0x80 else 2 if c >> 5 == 0b110 else 3 if c >> 4 == 0b1110 else 4
        return b if need <= back else b[:-back]
    return b


def _trim_utf8_start(b):
    """Drop continuation bytes at the start of b (a tail cut in the middle of a char)."""
    i = 0
    while i < min(3, len(b)) and b[i] & 0xC0 == 0x80:
        i += 1
    return b[i:]


class Hints:
    """The first bytes and the last byte written on the hint pipe."""

    def __init__(self):
        self.first = bytearray()
        self.last = b""

    def feed(self, data):
        if len(self.first) < 512:
            self.first += data[: 512 - len(self.first)]
        if data:
            self.last = data[-1:]


class Capture:
    """Keeps the head and the tail of a stream as it is produced; never holds more than the cap."""

    def __init__(self, cap, keep_head):
        self.cap = cap
        self.head_cap = cap // 2 if keep_head else 0
        self.tail_cap = cap - self.head_cap
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def feed(self, data):
        self.total += len(data)
        if len(self.head) < self.head_cap:
            take = self.head_cap - len(self.head)
            self.head += data[:take]
            data = data[take:]
        if data and self.tail_cap > 0:
            self.tail += data
            if len(self.tail) > self.tail_cap:
                del self.tail[: len(self.tail) - self.tail_cap]

    @property
    def truncated(self):
        return self.total > self.cap

    def text(self):
        if not self.truncated:
            return (bytes(self.head) + bytes(self.tail)).decode("utf-8", "replace")
        dropped = self.total - len(self.head) - len(self.tail)
        marker = "\n[... %d bytes truncated ...]\n" % dropped
        head = _trim_utf8_end(bytes(self.head)).decode("utf-8", "replace")
        tail = _trim_utf8_start(bytes(self.tail)).decode("utf-8", "replace")
        if not head:
            marker = marker.lstrip("\n")
        return head + marker + tail


# --- warm-up ------------------------------------------------------------------------------------
def _exercise_sympy(sympy):
    x, y = sympy.symbols("x y")
    sympy.solve(x**2 - 5 * x + 6, x)
    sympy.solve([x + y - 3, x - y - 1], [x, y])
    sympy.solveset(x**2 - 2, x, domain=sympy.S.Reals)
    sympy.simplify((x**2 - 1) / (x - 1))
    sympy.factor(x**3 - 1)
    sympy.expand((x + 1) ** 5)
    sympy.integrate(x**2 * sympy.sin(x), x)
    sympy.diff(sympy.exp(x) * sympy.cos(x), x)
    sympy.limit(sympy.sin(x) / x, x, 0)
    sympy.Rational(3, 4) + sympy.sqrt(8)
    sympy.N(sympy.pi, 30)
    sympy.nsimplify(0.5)
    sympy.gcd(12, 18), sympy.lcm(4, 6), sympy.factorint(360), sympy.isprime(97)
    sympy.binomial(10, 3), sympy.Matrix([[1, 2], [3, 4]]).det()
    str(sympy.Eq(x, 2)), sympy.latex(x**2 / 3), sympy.sympify("x**2 + 1")
    # The everyday operations of a math step, on varied inputs: a child then finds their code
    # paths and lazily built tables ready instead of building them in its own copied pages.
    for k in range(2, 10):
        sympy.solve(x**2 - (2 * k + 1) * x + k * (k + 1), x)
        sympy.solve(k * x - 3 * k + 1, x)
        sympy.solve([x + y - k, x - y - 1], [x, y])
        sympy.simplify((x**2 + (k + 1) * x + k) / (x + 1))
        sympy.factor(x**2 - k * k), sympy.expand((x + k) ** 3)
        sympy.Rational(k, k + 1) + sympy.Rational(1, k), sympy.sqrt(k * 8), sympy.N(sympy.sqrt(k), 15)
        str(sympy.solve(x**2 - k, x)), sympy.Integer(k) ** 10 % 7


def _exercise_numpy(np):
    a = np.arange(12, dtype=float).reshape(3, 4)
    (a @ a.T).sum(), np.linalg.solve(np.eye(3) * 2, np.ones(3)), np.roots([1, -3, 2])
    str(np.array([1.5, 2.5])), np.mean(a), np.std(a), np.sort(a[:, 0])


def _exercise_fractions(fractions):
    str(fractions.Fraction(1, 3) + fractions.Fraction(1, 6))
    fractions.Fraction("3.25").limit_denominator(10)


def _exercise_math(math):
    math.comb(10, 3), math.gcd(12, 18), math.isqrt(99), math.factorial(20), math.log(10)


EXERCISES = {
    "math": _exercise_math,
    "fractions": _exercise_fractions,
    "sympy": _exercise_sympy,
    "numpy": _exercise_numpy,
}


def warm_up(modules):
    preloaded, missing = [], {}
    for name in modules:
        try:
            mod = __import__(name)
            fn = EXERCISES.get(name)
            if fn is not None:
                fn(mod)
            preloaded.append(name)
        except Exception as e:  # an absent optional library is reported, not fatal
            missing[name] = "%s: %s" % (type(e).__name__, e)
    # Warm the compile path and the traceback machinery the children use.
    compile("x = [i * i for i in range(10)]\nprint(sum(x))\n", EXEC_FILENAME, "exec")
    traceback.format_exception(ValueError, ValueError("warm"), None)  # imports linecache too
    return preloaded, missing


def address_space_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


MADV_COLLAPSE = 25
HUGE = 1 << 21


def collapse_heap():
    """Backs the warm heap with transparent huge pages (MADV_COLLAPSE, Linux >= 6.1): fork copies
    one entry per 2 MiB instead of 512, and the child's exit tears down as few. Pages a child
    writes are still copied 4 KiB at a time. Returns the MiB now in huge pages (0 when the kernel
    cannot)."""
    libc_madvise = _libc.madvise
    libc_madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        with open("/proc/self/maps") as f:
            lines = f.read().splitlines()
    except OSError:
        return 0
    for line in lines:
        parts = line.split()
        if not parts[1].startswith("rw") or (len(parts) >= 6 and parts[5] != "[heap]"):
            continue
        lo, hi = (int(v, 16) for v in parts[0].split("-"))
        start, end = (lo + HUGE - 1) & ~(HUGE - 1), hi & ~(HUGE - 1)
        if end > start:
            libc_madvise(start, end - start, MADV_COLLAPSE)
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                if line.startswith("AnonHugePages:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


# --- filesystem view ----------------------------------------------------------------------------
DEFAULT_BINDS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"]
DEV_NODES = ["null", "zero", "full", "random", "urandom"]


def python_paths():
    paths = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    for p in sys.path:
        if p and os.path.isdir(p):
            paths.add(os.path.realpath(p))
    return sorted(p for p in paths if p and os.path.isdir(p))


def _covered(path, roots):
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _mount_ids():
    """{mount id: mount point} of this mount namespace."""
    ids = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            ids[fields[0]] = fields[4].replace("\\040", " ")
    return ids


def choose_binds(extra):
    """The outermost real directories to expose read-only, and the top-level symlinks (merged /usr)
    to recreate."""
    dirs, links = [], {}
    for p in DEFAULT_BINDS + list(extra) + python_paths():
        if not os.path.lexists(p):
            continue
        if os.path.islink(p) and os.path.dirname(p) == "/":
            links[p] = os.readlink(p)
            continue
        real = os.path.realpath(p)
        if real != "/" and os.path.isdir(real):
            dirs.append(real)
    binds = []
    for real in sorted(set(dirs), key=len):
        if not _covered(real, binds):
            binds.append(real)
    return sorted(binds), links


def build_root(cfg, pid_ns):
    """Private mounts; a tmpfs root holding read-only binds of the system and Python trees, a fresh
    /proc (only in a new PID namespace), a minimal /dev and a size-limited private /tmp; pivot into
    it and drop the old root. Returns (description, bound directories)."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    binds, links = choose_binds(cfg.get("fs_binds", []))
    root = "/tmp"  # any directory works as a mountpoint: the mount is private to this namespace
    before = _mount_ids()
    mount("rstar-root", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m")
    try:
        for link, target in links.items():
            os.symlink(target, root + link)
        for real in binds:
            os.makedirs(root + real, mode=0o755, exist_ok=True)
            mount(real, root + real, None, MS_BIND | MS_REC)
        ro = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
        for mid, mp in sorted(_mount_ids().items(), key=lambda kv: len(kv[1])):
            if mid not in before and mp != root and _covered(mp, [root]):
                mount(None, mp, None, ro)
        # /dev: only harmless character devices.
        os.makedirs(root + "/dev", mode=0o755)
        mount("rstar-dev", root + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k")
        for node in DEV_NODES:
            if os.path.exists("/dev/" + node):
                open(root + "/dev/" + node, "w").close()
                mount("/dev/" + node, root + "/dev/" + node, None, MS_BIND)
        for name, target in [
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ]:
            os.symlink(target, root + "/dev/" + name)
        mount(None, root + "/dev", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC)
        # /proc only when it shows our own PID namespace (it would show the host's otherwise).
        proc_detail = "no /proc (no PID namespace)"
        if pid_ns:
            os.makedirs(root + "/proc", mode=0o555)
            flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
            try:
                mount("proc", root + "/proc", "proc", flags, "hidepid=2")
                proc_detail = "/proc of the own PID namespace, other users' processes hidden"
            except OSError:
                mount("proc", root + "/proc", "proc", flags)
                proc_detail = "/proc of the own PID namespace"
        # /tmp: the only writable place; one directory per execution inside it.
        size_mb = int(cfg["tmp_size_mb"])
        os.makedirs(root + "/tmp", mode=0o755)
        mount("rstar-tmp", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711,size=%dm" % size_mb)
        os.makedirs(root + "/.old-root", mode=0o700)
        pivot_root(root, root + "/.old-root")
        os.chdir("/")
        umount2("/.old-root", MNT_DETACH)
        os.rmdir("/.old-root")
        mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    except BaseException:
        try:
            umount2(root, MNT_DETACH)
        except OSError:
            pass
        raise
    detail = "read-only view of %s; private writable tmpfs /tmp (%d MiB, a fresh directory per " \
        "execution); %s" % (", ".join(binds), size_mb, proc_detail)
    return detail, binds


# --- seccomp ------------------------------------------------------------------------------------
DENIED_SYSCALLS = [
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "chroot", "setns", "unshare", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
    "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "acct", "iopl", "ioperm",
    "open_by_handle_at", "name_to_handle_at", "quotactl", "syslog", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "fanotify_init", "settimeofday", "clock_settime",
    "adjtimex", "vhangup", "mknod", "mknodat", "fsopen", "fsmount", "fsconfig", "move_mount",
    "open_tree", "mount_setattr", "pidfd_getfd", "sched_setaffinity",
]  # fmt: skip
NAMESPACE_CLONE_FLAGS = [
    CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
    CLONE_NEWCGROUP, CLONE_NEWTIME,
]  # fmt: skip


def compile_seccomp():
    """Returns the BPF program (bytes) of the per-execution filter, compiled once with libseccomp:
    deny namespace creation, kernel-attack-surface syscalls and every socket but AF_UNIX."""
    import seccomp  # python3-seccomp; absent → the layer is reported unavailable

    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    eperm = seccomp.ERRNO(errno.EPERM)
    for name in DENIED_SYSCALLS:
        try:
            flt.add_rule(eperm, name)
        except (RuntimeError, ValueError, OSError):
            pass  # not a syscall on this architecture
    for flag in NAMESPACE_CLONE_FLAGS:
        flt.add_rule(eperm, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc fall back to clone.
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    flt.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    fd = os.memfd_create("rstar-seccomp")
    try:
        with os.fdopen(os.dup(fd), "wb") as f:
            flt.export_bpf(f)
        os.lseek(fd, 0, os.SEEK_SET)
        size = os.fstat(fd).st_size
        prog = read_exact(fd, size)
    finally:
        os.close(fd)
    return prog


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def load_seccomp(prog_buf):
    fprog = SockFprog(len(prog_buf) // 8, ctypes.addressof(prog_buf))
    _check(
        _libc.prctl(
            ctypes.c_int(PR_SET_SECCOMP),
            ctypes.c_ulong(SECCOMP_MODE_FILTER),
            ctypes.c_void_p(ctypes.addressof(fprog)),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        ),
        "prctl(PR_SET_SECCOMP)",
    )


# --- process cleanup ----------------------------------------------------------------------------
def kill_uid(uid):
    """Kill every process whose real uid is `uid`, from a helper that has become that uid: kill(-1)
    reaches exactly the processes it has permission to signal, which for an unprivileged uid are
    the processes of that uid (and never itself)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(1000):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    os._exit(0)
            os._exit(3)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def descendants_of(root_pid):
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                data = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces and parentheses.
        rest = data[data.rfind(b")") + 2 :].split()
        parents[int(name)] = int(rest[1])
    found, frontier = set(), {root_pid}
    while frontier:
        nxt = {p for p, pp in parents.items() if pp in frontier and p not in found}
        found |= nxt
        frontier = nxt
    found.discard(root_pid)
    return found


class Reaper:
    """Kills and reaps every process an execution left behind, by the strongest means available."""

    def __init__(self, pid_ns):
        # kill(-1) from PID 1 of a PID namespace reaches every process of that namespace and
        # nothing outside it. Checked here, never assumed: from a host PID 1 it would be fatal.
        self.pid_ns = pid_ns and os.getpid() == 1

    def kill_and_reap(self, main_pid, main_done, timeout_s):
        """Returns (main wait status or None, its rusage or None, True when nothing is left)."""
        status, usage = None, None
        deadline = time.monotonic() + timeout_s
        if not main_done:
            try:
                os.killpg(main_pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        while True:
            # Reap whatever has exited; no child at all means no descendant at all (we are the
            # namespace's init or a child subreaper, so orphans are re-parented to us).
            while True:
                try:
                    pid, st, ru = os.wait4(-1, os.WNOHANG)
                except ChildProcessError:
                    return status, usage, True
                if pid == 0:
                    break
                if pid == main_pid:
                    status, usage = st, ru
            if time.monotonic() > deadline:
                return status, usage, False
            self._kill_everything_else()
            time.sleep(0.0002)

    def _kill_everything_else(self):
        if self.pid_ns:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        for p in descendants_of(os.getpid()):
            try:
                os.kill(p, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


# --- the execution child ------------------------------------------------------------------------
USER_ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


def scrub_environment():
    """The server's environment becomes exactly what programs may see (they inherit it by fork):
    whatever the supervisor passed, nothing else survives."""
    os.environ.clear()
    os.environ.update(USER_ENVIRONMENT)


def configure_stdio():
    """The streams programs write through, set up once: after fork, fds 0-2 are the execution's
    /dev/null and pipes, and these objects write to them."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace", line_buffering=False)
    sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace", line_buffering=True)
    sys.stdin.reconfigure(encoding="utf-8")


def child_main(server, req, tmpdir, out_w, err_w, hint_w):
    """Runs in the forked child. Never returns."""
    try:
        os.setsid()
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.dup2(hint_w, 3)
        os.closerange(4, server.max_fd)
        os.chdir(tmpdir)
        limits = server.limits
        cpu = max(1, -(-int(req["timeout_ms"]) // 1000))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = req["address_space_base"] + int(req["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        fsize = int(limits["max_file_size_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        nofile = int(limits["max_open_files"])
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if server.drop_uid:
            nproc = int(limits["max_processes"])
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if server.drop_uid:
            os.setgroups([])
            os.setresgid(server.gid, server.gid, server.gid)
            os.setresuid(server.uid, server.uid, server.uid)
        if server.seccomp_prog is not None:
            load_seccomp(server.seccomp_prog)
        # The server's environment is already the scrubbed one (see scrub_environment); only the
        # per-execution directories are added. sys.stdin/stdout/stderr were configured by the
        # server and now sit on the execution's fds 0-2: nothing to rebuild (fewer copied pages).
        os.environ["HOME"] = tmpdir
        os.environ["TMPDIR"] = tmpdir
        sys.argv = [EXEC_FILENAME]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.write(3, HINT_STARTED)
    except BaseException as e:
        try:
            os.write(3, HINT_SETUP_FAILED + ("%s: %s" % (type(e).__name__, e)).encode()[:500])
        except OSError:
            pass
        os._exit(121)
    run_user_code(req["code"])


def run_user_code(code):
    import builtins
    import linecache

    exit_code = 0
    hint = HINT_DONE
    # Address space released on MemoryError so the traceback can be printed; an anonymous mapping
    # costs nothing until touched.
    reserve = mmap.mmap(-1, 1 << 20)
    linecache.cache[EXEC_FILENAME] = (len(code), None, code.splitlines(True), EXEC_FILENAME)
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__doc__": None}
    try:
        exec(compile(code, EXEC_FILENAME, "exec"), namespace)
    except SystemExit as e:
        exit_code = _exit_code_of(e)
    except MemoryError as e:
        reserve.close()
        hint = HINT_MEMORY
        exit_code = 1
        _print_exception(e)
    except BaseException as e:
        exit_code = 1
        _print_exception(e)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    try:
        os.write(3, hint)
    except OSError:
        pass
    # Threads and child processes the program left behind do not keep the execution alive.
    os._exit(exit_code)


def _signal_name(sig):
    try:
        return signal.Signals(sig).name
    except ValueError:
        return str(sig)


def _exit_code_of(e):
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        print(code, file=sys.stderr)
    except BaseException:
        pass
    return 1


def _print_exception(e):
    try:
        tb = e.__traceback__
        # Drop the runner's own frame: the traceback starts in the program.
        if tb is not None and tb.tb_frame.f_code is run_user_code.__code__:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb, file=sys.stderr)
    except BaseException:
        try:
            os.write(2, ("%s\n" % type(e).__name__).encode())
        except BaseException:
            pass


# --- the server ---------------------------------------------------------------------------------
class Server:
    def __init__(self, cfg, proto_in, proto_out, layers, pid_ns):
        self.cfg = cfg
        self.proto_in = proto_in
        self.proto_out = proto_out
        self.layers = layers
        self.uid = cfg.get("uid")
        self.gid = cfg.get("gid", self.uid)
        self.drop_uid = False
        self.limits = cfg["limits"]
        self.reaper = Reaper(pid_ns)
        self.seccomp_prog = None
        self.baseline_as = 0
        self.max_fd = min(1 << 20, max(256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        self.counter = 0
        self.address_space = 0
        self.tmp_base = "/tmp"

    def run_execution(self, req):
        self.counter += 1
        tmpdir = os.path.join(self.tmp_base, "run-%d" % self.counter)
        os.mkdir(tmpdir, 0o700)
        if self.drop_uid:
            os.chown(tmpdir, self.uid, self.gid)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        hint_r, hint_w = os.pipe()
        if self.counter % 64 == 1:
            self.address_space = address_space_bytes()  # the server's own, inherited by the child
        req["address_space_base"] = self.address_space
        t0 = time.monotonic()
        try:
            pid = os.fork()
        except OSError as e:
            pid = -1
            fork_error = e
        if pid == 0:
            child_main(self, req, tmpdir, out_w, err_w, hint_w)
        for fd in (out_w, err_w, hint_w):
            os.close(fd)
        try:
            if pid < 0:
                return self._fork_failed(req, fork_error)
            return self._supervise(req, pid, t0, out_r, err_r, hint_r)
        finally:
            for fd in (out_r, err_r, hint_r):
                os.close(fd)
            try:
                os.rmdir(tmpdir)  # the usual case: the program left nothing behind
            except OSError:
                shutil.rmtree(tmpdir, ignore_errors=True)

    def _supervise(self, req, pid, t0, out_r, err_r, hint_r):
        cap = int(req["max_output_bytes"])
        kill_bytes = max(int(req["kill_output_bytes"]), cap)
        out = Capture(cap, keep_head=True)
        err = Capture(cap, keep_head=False)
        hints = Hints()
        deadline = t0 + int(req["timeout_ms"]) / 1000.0
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None  # old kernel or Python: poll the child's state every 2 ms instead
        readers = {out_r: out, err_r: err, hint_r: hints}
        for fd in readers:
            os.set_blocking(fd, False)
        poller = select.poll()
        for fd in list(readers) + [self.proto_in] + ([pidfd] if pidfd is not None else []):
            poller.register(fd, select.POLLIN)
        reason = None  # why we stopped the program: timeout | output | cancelled
        status, usage = None, None
        try:
            while status is None and reason is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    reason = "timeout"
                    break
                wait_ms = int(remaining * 1000) + 1 if pidfd is not None else 2
                for fd, _ev in poller.poll(min(wait_ms, int(remaining * 1000) + 1)):
                    if fd in readers:
                        crossed, eof = self._read_some(fd, readers[fd], out, err, kill_bytes, 16)
                        if eof:
                            poller.unregister(fd)
                            del readers[fd]
                        if crossed:
                            reason = "output"
                    elif fd == self.proto_in:
                        msg = read_frame(self.proto_in)
                        if msg is None:
                            # The supervisor is shutting down: finish this one, then exit.
                            poller.unregister(self.proto_in)
                        elif msg.get("type") == "cancel" and msg.get("id") == req["id"]:
                            reason = "cancelled"
                if status is None:
                    got, st, ru = os.wait4(pid, os.WNOHANG)
                    if got == pid:
                        status, usage = st, ru
        finally:
            if pidfd is not None:
                os.close(pidfd)
            st, ru, clean = self.reaper.kill_and_reap(pid, status is not None, 2.0)
            if status is None:
                status, usage = st, ru
            # round, not int: a program stopped at its deadline (now >= t0 + limit) must not read
            # as 999 ms of a 1000 ms limit through float error in (now - t0).
            duration_ms = round((time.monotonic() - t0) * 1000)
        # Every writer is dead now: what is left in the pipes is bounded and ends in EOF.
        for fd, sink in list(readers.items()):
            crossed, _ = self._read_some(fd, sink, out, err, kill_bytes, 1 << 30)
            if crossed and reason is None:
                reason = "output"
        if status is None:
            clean = False
            status = 9  # never reaped: report as killed
        return self._result(req, reason, status, usage, out, err, hints, duration_ms, clean)

    @staticmethod
    def _fork_failed(req, error):
        return {
            "type": "result",
            "id": req["id"],
            "status": "INTERNAL",
            "stdout": "",
            "stderr": "cannot fork an execution: %s" % error,
            "duration_ms": 0,
            "truncated": False,
            "exit_code": 0,
            "output_bytes": 0,
            "healthy": True,
        }

    @staticmethod
    def _read_some(fd, sink, out, err, kill_bytes, max_chunks):
        """Reads what is available (at most max_chunks reads); returns (kill limit crossed, eof)."""
        for _ in range(max_chunks):
            try:
                data = os.read(fd, READ_CHUNK)
            except BlockingIOError:
                return False, False
            if not data:
                return False, True
            sink.feed(data)
            if isinstance(sink, Capture) and out.total + err.total > kill_bytes:
                return True, False
        return False, False

    def _result(self, req, reason, wait_status, rusage, out, err, hints, duration_ms, reaped):
        exit_code = os.waitstatus_to_exitcode(wait_status)
        notes = []
        if hints.first[:1] == HINT_SETUP_FAILED:
            status = "INTERNAL"
            notes.append("execution setup failed: " + hints.first[1:].decode("utf-8", "replace"))
        elif reason == "cancelled":
            status = "CANCELLED"
        elif reason == "output":
            status = "OUTPUT_LIMIT"
            notes.append("[sandbox] stopped: output exceeded %d bytes" % req["kill_output_bytes"])
        elif reason == "timeout":
            status = "TIMEOUT"
            notes.append("[sandbox] stopped: wall-clock limit of %d ms reached" % req["timeout_ms"])
        elif exit_code < 0:
            sig = -exit_code
            cpu_used = rusage.ru_utime + rusage.ru_stime if rusage is not None else 0.0
            cpu_limit = max(1, -(-int(req["timeout_ms"]) // 1000))
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_used >= cpu_limit - 0.05):
                status = "TIMEOUT"
                notes.append("[sandbox] stopped: CPU-time limit of %d s reached" % cpu_limit)
            else:
                status = "ERROR"
                notes.append("[sandbox] terminated by signal %s" % _signal_name(sig))
        elif hints.last == HINT_MEMORY:
            status = "MEMORY"
        elif exit_code == 0:
            status = "OK"
        else:
            status = "ERROR"
        stderr = err.text()
        if notes:
            sep = "" if not stderr or stderr.endswith("\n") else "\n"
            stderr = stderr + sep + "\n".join(notes) + "\n"
        return {
            "type": "result",
            "id": req["id"],
            "status": status,
            "stdout": out.text(),
            "stderr": stderr,
            "duration_ms": duration_ms,
            "truncated": out.truncated or err.truncated,
            "exit_code": exit_code,
            "output_bytes": out.total + err.total,
            "healthy": reaped,
        }

    def serve(self):
        while True:
            msg = read_frame(self.proto_in)
            if msg is None:
                return
            kind = msg.get("type")
            if kind == "exec":
                result = self.run_execution(msg)
                write_frame(self.proto_out, result)
                if not result["healthy"]:
                    log("processes of the last execution could not be reaped; exiting")
                    return
            elif kind == "ping":
                write_frame(self.proto_out, {"type": "pong", "id": msg.get("id")})
            # a cancel for an execution that already finished is a no-op


# --- start-up -----------------------------------------------------------------------------------
PROBE = r"""
import json, os, socket
r = {"uid": os.getuid(), "euid": os.geteuid(), "pid": os.getpid()}
r["root_readonly"] = bool(os.statvfs("/").f_flag & os.ST_RDONLY)
r["usr_readonly"] = bool(os.statvfs("/usr").f_flag & os.ST_RDONLY)
r["tmp_writable"] = os.access(os.getcwd(), os.W_OK)
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1)
    s.connect(("127.0.0.1", 9))
    r["net"] = "connected"
except OSError as e:
    r["net"] = type(e).__name__ + ": " + str(e)
r["env_keys"] = sorted(os.environ)
print(json.dumps(r))
"""


def self_test(server):
    """Runs a probe program through the real execution path and checks what it could do."""
    res = server.run_execution(
        {
            "id": 0,
            "code": PROBE,
            "timeout_ms": 10000,
            "memory_mb": 256,
            "max_output_bytes": 65536,
            "kill_output_bytes": 65536,
        }
    )
    if res["status"] != "OK":
        raise RuntimeError("self-test execution failed (%s): %s" % (res["status"], res["stderr"]))
    probe = json.loads(res["stdout"])
    layers = server.layers
    if layers.active("uid") and probe["uid"] != server.uid:
        raise RuntimeError("self-test: execution ran as uid %s, not %s" % (probe["uid"], server.uid))
    if layers.active("filesystem"):
        if not (probe["root_readonly"] and probe["usr_readonly"] and probe["tmp_writable"]):
            raise RuntimeError("self-test: the filesystem view is not as built: %r" % probe)
    if probe["net"] == "connected":
        raise RuntimeError("self-test: an execution could connect to 127.0.0.1:9")
    return probe


def enter_namespaces(cfg, layers):
    wanted = cfg["isolation"]
    ok = {}
    for name, flag in [
        ("network", CLONE_NEWNET),
        ("filesystem", CLONE_NEWNS),
        ("ipc", CLONE_NEWIPC | CLONE_NEWUTS),
        ("pid", CLONE_NEWPID),
    ]:
        if not wanted.get(name, True):
            layers.set(name, False, "disabled by configuration")
            ok[name] = False
            continue
        try:
            unshare(flag)
            ok[name] = True
        except OSError as e:
            layers.set(name, False, "unshare failed: %s" % e)
            ok[name] = False
    return ok


def refuse_account_uid(uid):
    """Slot uids must belong to no account: every process running as one is killed."""
    import pwd

    try:
        entry = pwd.getpwuid(uid)
    except KeyError:
        return
    raise RuntimeError(
        "uid %d belongs to account %r; choose a --uid-base range no account uses" % (uid, entry.pw_name)
    )


def take_uid_lock(cfg, uid):
    path = os.path.join(cfg["lock_dir"], "rstar-sandbox-uid-%d.lock" % uid)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    deadline = time.monotonic() + cfg.get("lock_wait_ms", 5000) / 1000.0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "uid %d is in use by another sandbox fork-server (lock %s); "
                    "give each server its own --uid-base" % (uid, path)
                )
            time.sleep(0.05)


def launcher(cfg):
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open("/dev/null", os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    supervisor = os.getppid()
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != supervisor:
        os._exit(1)
    layers = Layers()
    uid = cfg.get("uid")
    lock_fd = None
    try:
        if uid is not None and cfg["isolation"].get("uid", True):
            if os.geteuid() != 0:
                layers.set("uid", False, "not running as root: cannot switch to a per-slot uid")
            else:
                refuse_account_uid(uid)
                lock_fd = take_uid_lock(cfg, uid)
                kill_uid(uid)  # whatever a previous incarnation of this slot left behind
                layers.set(
                    "uid",
                    True,
                    "executions run as uid %d / gid %d (unprivileged, no capabilities, "
                    "no_new_privs); RLIMIT_NPROC counted against it" % (uid, cfg.get("gid", uid)),
                )
        else:
            layers.set("uid", False, "disabled by configuration")
        ns = enter_namespaces(cfg, layers)
    except Exception as e:
        write_frame(proto_out, {"type": "fatal", "error": "%s: %s" % (type(e).__name__, e)})
        os._exit(1)
    pid = os.fork()
    if pid == 0:
        if lock_fd is not None:
            os.close(lock_fd)
        server_main(cfg, proto_in, proto_out, layers, ns)
        os._exit(0)
    os.close(proto_in)
    os.close(proto_out)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            os._exit(min(255, max(0, os.waitstatus_to_exitcode(status))))
        except InterruptedError:
            continue


def server_main(cfg, proto_in, proto_out, layers, ns):
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        server = setup_server(cfg, proto_in, proto_out, layers, ns)
        scrub_environment()
        configure_stdio()
        preloaded, missing = warm_up(cfg.get("preload", []))
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # nothing a preload printed may reach a program's output
        gc.collect()
        server.baseline_as = address_space_bytes()
        probe = self_test(server)
        gc.freeze()  # children never touch the warm heap's GC headers: fewer copied pages
        huge_mb = collapse_heap()
        hello = {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "preloaded": preloaded,
            "missing": missing,
            "baseline_address_space_mb": server.baseline_as // (1024 * 1024),
            "huge_pages_mb": huge_mb,
            "layers": layers.items,
            "probe": probe,
        }
    except Exception as e:
        error = "%s: %s" % (type(e).__name__, e)
        write_frame(proto_out, {"type": "fatal", "error": error, "layers": layers.items})
        return
    write_frame(proto_out, hello)
    try:
        server.serve()
    except EOFError:
        pass


def setup_server(cfg, proto_in, proto_out, layers, ns):
    """Completes the isolation layers inside the new namespaces and records each one."""
    pid_ns = ns.get("pid", False) and os.getpid() == 1
    if pid_ns:
        layers.set(
            "pid",
            True,
            "own PID namespace with the fork-server as its init: when an execution ends or times "
            "out, every process left in the namespace is killed and reaped (setsid cannot escape)",
        )
    else:
        if ns.get("pid"):
            layers.set("pid", False, "unshare succeeded but the fork-server is not PID 1")
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    server = Server(cfg, proto_in, proto_out, layers, pid_ns)
    server.drop_uid = layers.active("uid")
    if ns.get("network"):
        names = [n for _, n in socket.if_nameindex()]
        layers.set("network", True, "own network namespace (interfaces: %s, down)" % ", ".join(names))
    if ns.get("ipc"):
        layers.set("ipc", True, "own IPC and UTS namespaces")
    hidden = os.path.dirname(os.path.realpath(__file__))
    if ns.get("filesystem"):
        try:
            detail, binds = build_root(cfg, pid_ns)
            if not _covered(hidden, binds) and os.path.exists(hidden):
                raise OSError(errno.EEXIST, "host path %s still visible" % hidden)
            layers.set("filesystem", True, detail)
        except OSError as e:
            layers.set("filesystem", False, "could not build the read-only view: %s" % e)
    if not layers.active("filesystem"):
        base = os.path.join(cfg["host_tmp_dir"], "rstar-sandbox-uid-%s" % cfg.get("uid", "x"))
        shutil.rmtree(base, ignore_errors=True)
        os.mkdir(base, 0o711)
        server.tmp_base = base
    if cfg.get("cpu") is not None:
        try:
            os.sched_setaffinity(0, {int(cfg["cpu"])})
            layers.set("cpu", True, "fork-server and its executions pinned to CPU %d" % cfg["cpu"])
        except OSError as e:
            layers.set("cpu", False, "sched_setaffinity failed: %s" % e)
    else:
        layers.set("cpu", False, "not pinned (configuration)")
    if cfg["isolation"].get("seccomp", True):
        try:
            server.seccomp_prog = ctypes.create_string_buffer(compile_seccomp())
            layers.set(
                "seccomp",
                True,
                "%d syscalls denied (namespace creation, ptrace, mount, bpf, io_uring, keyctl, "
                "kernel modules, CPU affinity, ...); sockets other than AF_UNIX denied"
                % len(DENIED_SYSCALLS),
            )
        except ImportError:
            layers.set(
                "seccomp",
                False,
                "python module 'seccomp' not importable by %s (Debian: python3-seccomp)"
                % sys.executable,
            )
        except Exception as e:
            layers.set("seccomp", False, "could not compile the filter: %s" % e)
    else:
        layers.set("seccomp", False, "disabled by configuration")
    lim = cfg["limits"]
    nproc = (
        "%d processes/threads" % lim["max_processes"]
        if server.drop_uid
        else "process count NOT limited (needs the uid layer)"
    )
    layers.set(
        "rlimits",
        True,
        "CPU seconds, address space, %d MiB per file, %d open files, %s, no core dumps"
        % (lim["max_file_size_mb"], lim["max_open_files"], nproc),
    )
    layers.set(
        "env",
        True,
        "programs see only %s" % ", ".join(sorted(USER_ENVIRONMENT)),
    )
    layers.set(
        "cleanup",
        True,
        "kill(-1) from the PID namespace's init, then reap until no process is left"
        if pid_ns
        else "descendant tracking as child subreaper (no PID namespace)",
    )
    return server


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: rstar_forkserver.py CONFIG_JSON\n")
        sys.exit(64)
    cfg = json.loads(sys.argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    launcher(cfg)


if __name__ == "__main__":
    main()
