import CFarSideSupport
import Foundation

/// FarSide's temporary files: how they are named, how they are removed when the process is interrupted,
/// and how a later run removes those a killed process left behind.
///
/// Every temporary is written beside its final file as `.NAME.tmp-PID-HOST-RAND[.EXT]` (hidden; PID of
/// the writing process, HOST an 8-hex-digit hash of the host name, RAND random), and registered in an
/// async-signal-safe registry (CFarSideSupport): SIGINT, SIGTERM and SIGHUP unlink every registered
/// temporary and lock file and remove the folders the run created (when empty), then exit with 128 +
/// the signal number; crashes (SIGILL, SIGSEGV, ...) clean up the same way before the signal takes its
/// course. SIGKILL cannot be caught: the next FarSide run that writes into the folder removes the
/// temporaries whose process is gone (`sweep`).
public enum TemporaryFiles {
    /// 8 hex digits identifying this host (FNV-1a of the host name): a temporary on a shared folder is
    /// only judged by its PID on the host that wrote it.
    public static let hostTag: String = {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.prefix(while: { $0 != 0 }) {
            hash = (hash ^ UInt32(UInt8(bitPattern: byte))) &* 0x0100_0193
        }
        return String(format: "%08x", hash)
    }()

    /// A fresh temporary name beside `target`: `.NAME.tmp-PID-HOST-RAND` plus `target`'s extension
    /// (GDAL picks some drivers' behaviour from it).
    public static func path(for target: String) -> String {
        let url = URL(fileURLWithPath: target)
        let ext = url.pathExtension.isEmpty ? "" : ".\(url.pathExtension)"
        let name = ".\(url.lastPathComponent).tmp-\(getpid())-\(hostTag)-\(String(format: "%08x", UInt32.random(in: 0...UInt32.max)))\(ext)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Installs the SIGINT/SIGTERM/SIGHUP and crash handlers (once per process).
    public static func installSignalHandlers() { farside_install_signal_handlers() }

    /// Registers a file to unlink if the process is interrupted; returns the slot to `forget`.
    public static func register(_ path: String) -> Int32 { farside_cleanup_add_file(path) }

    /// Registers a folder to remove (when empty) if the process is interrupted.
    public static func registerDirectory(_ path: String) -> Int32 { farside_cleanup_add_directory(path) }

    /// The path of `slot` was renamed into place or removed: nothing to do for it on a signal.
    public static func forget(_ slot: Int32) { farside_cleanup_forget(slot) }

    /// Termination signals wait while a set of outputs is renamed into place.
    static func beginPublishing() { farside_publish_begin() }
    static func endPublishing() { farside_publish_end() }

    /// The writer of a temporary named like FarSide's: its PID and host tag (nil for the older names,
    /// which carried no host: `.NAME.tmp-PID-N.tif[.cog.tif]`, `.NAME.tmp-PID[.EXT]`, `.horizon-PID.tif`).
    /// Nil for any other name: those are never touched.
    static func owner(ofTemporaryName name: String) -> (pid: pid_t, host: String?)? {
        guard name.hasPrefix(".") else { return nil }
        let patterns: [(NSRegularExpression, Bool)] = Self.patterns
        let range = NSRange(name.startIndex..., in: name)
        for (regex, hasHost) in patterns {
            guard let m = regex.firstMatch(in: name, range: range),
                  let pidRange = Range(m.range(at: 1), in: name), let pid = pid_t(name[pidRange]), pid > 0 else { continue }
            var host: String?
            if hasHost, let h = Range(m.range(at: 2), in: name) { host = String(name[h]) }
            return (pid, host)
        }
        return nil
    }

    private static let patterns: [(NSRegularExpression, Bool)] = [
        // Current names (GPKG's -journal/-wal/-shm companions and COG staging files included).
        (try! NSRegularExpression(pattern: #"^\..+\.tmp-([0-9]+)-([0-9a-f]{8})-[0-9a-f]{8}(\.[A-Za-z0-9_.-]+)?$"#), true),
        // Names of earlier versions.
        (try! NSRegularExpression(pattern: #"^\..+\.tmp-([0-9]+)-[0-9]+\.tif(\.cog\.tif)?$"#), false),
        (try! NSRegularExpression(pattern: #"^\..+\.tmp-([0-9]+)(\.[A-Za-z0-9]+)?(-journal|-wal|-shm)?$"#), false),
        (try! NSRegularExpression(pattern: #"^\.horizon-([0-9]+)\.tif$"#), false),
    ]

    /// True when no process `pid` exists on this host (kill(pid, 0) fails with ESRCH).
    static func processIsGone(_ pid: pid_t) -> Bool {
        if pid == getpid() { return false }
        if kill(pid, 0) == -1 { return errno == ESRCH }
        // A killed process its parent has not reaped yet (a zombie) still answers kill(pid, 0).
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }

    /// Removes, in `directory`, the temporaries FarSide processes left behind that no longer exist (only
    /// names matching FarSide's own temporary patterns, written on this host), and lock files no process
    /// holds. Returns the names removed.
    @discardableResult
    public static func sweep(_ directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if let owner = owner(ofTemporaryName: name) {
                guard owner.host == nil || owner.host == hostTag, processIsGone(owner.pid) else { continue }
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: if unlink(path) == 0 { removed.append(name) }
                // A killed in-process tiled run's scratch run folder.
                case S_IFDIR: if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
                default: continue
                }
            } else if OutputLock.isLockFileName(name), OutputLock.removeIfStale(path) {
                removed.append(name)
            }
        }
        return removed
    }
}

/// flock(2) on a hidden lock file: `DIR/.farside.lock` for a folder of outputs, `DIR/.NAME.farside.lock`
/// for a single output file. The kernel releases the lock when the process ends in any way (SIGKILL
/// included), so a lock is never stale; the empty file is removed by its holder when done, and a later
/// run removes one a killed holder left.
final class OutputLock {
    let path: String
    private var fd: Int32
    private var slot: Int32

    static let folderLockName = ".farside.lock"

    static func isLockFileName(_ name: String) -> Bool {
        name == folderLockName || (name.hasPrefix(".") && name.hasSuffix(".farside.lock"))
    }

    /// Takes the lock or throws `busy` (another process holds it).
    init(path: String, busy: @autoclosure () -> FarSideError) throws {
        self.path = path
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                throw FarSideError.outputFailed("\(URL(fileURLWithPath: path).deletingLastPathComponent().path): cannot create a lock file (\(reason))")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                close(fd)
                if code == EWOULDBLOCK || code == EAGAIN { throw busy() }
                if code == EINTR { continue }
                // A file system without flock: go on unlocked rather than refuse to work.
                self.fd = -1
                self.slot = -1
                return
            }
            // The holder before us may have removed the file after we opened it: lock the file that is
            // at the path now.
            var opened = stat(), current = stat()
            if fstat(fd, &opened) == 0, stat(path, &current) == 0, opened.st_dev == current.st_dev, opened.st_ino == current.st_ino {
                self.fd = fd
                self.slot = TemporaryFiles.register(path)
                return
            }
            close(fd)
        }
    }

    /// Removes the lock file and releases the lock (in that order, so no one locks a removed file).
    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        TemporaryFiles.forget(slot)
        close(fd)
        fd = -1
    }

    deinit { release() }

    /// Removes a lock file no process holds (one a killed run left). False when it is held.
    static func removeIfStale(_ path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        var opened = stat(), current = stat()
        guard fstat(fd, &opened) == 0, lstat(path, &current) == 0, opened.st_ino == current.st_ino, opened.st_dev == current.st_dev,
              (current.st_mode & S_IFMT) == S_IFREG, current.st_size == 0 else { return false }
        return unlink(path) == 0
    }
}
