import CFarSideSupport
import Foundation

/// A set of output files that appears all together or not at all.
///
/// Created before any computation, it checks the targets (regular files or new paths only: never a
/// FIFO, device, folder...), creates the output folder if needed (remembering that it did), locks it
/// (flock on `DIR/.farside.lock`, or `DIR/.NAME.farside.lock` for a single-file output: a second run
/// into the same place fails at once with exit 4), removes the temporaries that killed runs left there,
/// and refuses outputs larger than the free space. Writers then write every file under a registered
/// temporary name (`temporaryPath(for:)`, `stage(_:as:)`); `publish()` renames them all into place at
/// the end, and `abort()` (any failure, or deinit without publish) removes every temporary, the lock, and
/// the folders the set created when they are left empty.
public final class OutputSet: @unchecked Sendable {
    /// The folder the outputs go to.
    public let directory: String
    private var lock: OutputLock?
    private var createdDirectories: [(path: String, slot: Int32)] = []
    private var temporaries: [String: Int32] = [:]          // path -> signal-registry slot
    private var staged: [(temporary: String, target: String)] = []
    private var finished = false
    private let mutex = NSLock()

    /// A folder of outputs (`targets`: file names inside `directory`), `estimatedBytes` in all.
    public convenience init(directory: String, targets: [String], estimatedBytes: Int64) throws {
        try self.init(directory: directory, targetPaths: targets.map { URL(fileURLWithPath: directory).appendingPathComponent($0).path },
                      lockName: OutputLock.folderLockName, estimatedBytes: estimatedBytes)
    }

    /// One output file (its folder is created if needed; the lock is the file's own).
    public convenience init(file: String, estimatedBytes: Int64) throws {
        let url = URL(fileURLWithPath: file)
        try self.init(directory: url.deletingLastPathComponent().path, targetPaths: [url.path],
                      lockName: ".\(url.lastPathComponent).farside.lock", estimatedBytes: estimatedBytes)
    }

    private init(directory: String, targetPaths: [String], lockName: String, estimatedBytes: Int64) throws {
        GDALEnvironment.initialize()
        self.directory = directory
        for target in targetPaths { try OutputPaths.checkTarget(target) }
        do {
            try createDirectory()
            lock = try OutputLock(path: URL(fileURLWithPath: directory).appendingPathComponent(lockName).path,
                                  busy: FarSideError.outputFailed("\(directory): another farside run is writing here"))
            TemporaryFiles.sweep(directory)
            try OutputPaths.checkFreeSpace(directory, needed: estimatedBytes)
        } catch {
            abort()
            throw error
        }
    }

    deinit { if !finished { abort() } }

    /// Creates `directory` and any missing parents, registering each for removal on failure.
    private func createDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw FarSideError.outputFailed("\(directory): exists and is not a directory") }
            guard access(directory, W_OK | X_OK) == 0 else { throw FarSideError.outputFailed("\(directory): directory is not writable") }
            return
        }
        var missing: [String] = []
        var url = URL(fileURLWithPath: directory)
        while !FileManager.default.fileExists(atPath: url.path) {
            missing.insert(url.path, at: 0)
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        for path in missing {
            if mkdir(path, 0o777) != 0 {
                let code = errno
                var isDir: ObjCBool = false
                if code == EEXIST && FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue { continue }
                throw FarSideError.outputFailed("\(directory): cannot create directory (\(String(cString: strerror(code))))")
            }
            createdDirectories.append((path, TemporaryFiles.registerDirectory(path)))
        }
    }

    /// A registered temporary name beside `target` (a path inside the folder, or a file name).
    public func temporaryPath(for target: String) -> String {
        let full = target.contains("/") ? target : URL(fileURLWithPath: directory).appendingPathComponent(target).path
        let path = TemporaryFiles.path(for: full)
        adopt(path)
        return path
    }

    /// Registers a temporary the caller named itself (e.g. a COG staging copy), so it is removed with the set.
    public func adopt(_ temporary: String) {
        mutex.lock(); defer { mutex.unlock() }
        if temporaries[temporary] == nil { temporaries[temporary] = TemporaryFiles.register(temporary) }
    }

    /// `temporary` is complete: it is renamed to `target` when the set is published.
    public func stage(_ temporary: String, as target: String) {
        adopt(temporary)
        mutex.lock(); defer { mutex.unlock() }
        staged.removeAll { $0.target == target }
        staged.append((temporary, target))
    }

    /// Removes a temporary now (a scratch file no longer needed, or an aborted writer's).
    public func discard(_ temporary: String) {
        mutex.lock(); defer { mutex.unlock() }
        unlink(temporary)
        if let slot = temporaries.removeValue(forKey: temporary) { TemporaryFiles.forget(slot) }
        staged.removeAll { $0.temporary == temporary }
    }

    /// Writes `data` to a temporary beside `target` (a file name in the folder, or a path) with every
    /// write checked, and stages it.
    public func write(_ data: Data, to target: String) throws {
        let full = target.contains("/") ? target : URL(fileURLWithPath: directory).appendingPathComponent(target).path
        let temporary = temporaryPath(for: full)
        do {
            try OutputPaths.writeFile(data, to: temporary, reportingAs: full)
        } catch {
            discard(temporary)
            throw error
        }
        stage(temporary, as: full)
    }

    /// Renames every staged file into place (termination signals wait until all are), removes any
    /// remaining temporary and the lock.
    public func publish() throws {
        mutex.lock()
        guard !finished else { mutex.unlock(); return }
        let files = staged
        mutex.unlock()
        // Check again right before replacing anything: a target may have become a FIFO or a folder.
        for file in files { try OutputPaths.checkTarget(file.target) }
        TemporaryFiles.beginPublishing()
        defer { TemporaryFiles.endPublishing() }
        var failure: FarSideError?
        for file in files where failure == nil {
            if rename(file.temporary, file.target) != 0 {
                failure = .outputFailed("\(file.target): cannot move into place (\(String(cString: strerror(errno))))")
            }
        }
        finish(unlinking: { path in failure != nil || !files.contains(where: { $0.temporary == path }) })
        if failure != nil { removeCreatedDirectories() } else { createdDirectories.forEach { TemporaryFiles.forget($0.slot) } }
        createdDirectories = []
        if let failure { throw failure }
    }

    /// Removes every temporary, the lock, and the folders this set created if they are empty.
    public func abort() {
        finish(unlinking: { _ in true })
        removeCreatedDirectories()
    }

    /// Ends the set: forgets every temporary (unlinking those `unlink` picks: all on failure, the ones not
    /// renamed into place on success) and releases the folder's lock.
    private func finish(unlinking shouldUnlink: (String) -> Bool) {
        mutex.lock()
        for (path, slot) in temporaries {
            TemporaryFiles.forget(slot)
            if shouldUnlink(path) { unlink(path) }
        }
        temporaries = [:]
        staged = []
        finished = true
        mutex.unlock()
        lock?.release()
        lock = nil
    }

    private func removeCreatedDirectories() {
        for (path, slot) in createdDirectories.reversed() {
            rmdir(path)
            TemporaryFiles.forget(slot)
        }
        createdDirectories = []
    }

    /// Runs `body` (which writes the set's files), then publishes; on any error removes everything and
    /// rethrows.
    public func run<T>(_ body: () throws -> T) throws -> T {
        do {
            let value = try body()
            try publish()
            return value
        } catch {
            abort()
            throw error
        }
    }
}

/// Checks on output paths shared by every writer.
public enum OutputPaths {
    /// An output may replace a regular file (or a link to one) or be a new path; anything else (a FIFO,
    /// a device such as /dev/null, a folder, a socket) is refused (exit 4) instead of being renamed over.
    public static func checkTarget(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            // A link pointing nowhere is replaced by the file (rename replaces the link itself).
            return
        }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw FarSideError.outputFailed("\(path): is \(kind), not a regular file; FarSide writes only regular files")
    }

    /// Refuses (exit 4) when `needed` bytes exceed the space available to this user in `directory`.
    public static func checkFreeSpace(_ directory: String, needed: Int64) throws {
        guard needed > 0, let free = freeBytes(directory) else { return }
        guard needed <= free else {
            throw FarSideError.outputFailed("\(directory): outputs need about \(formatBytes(needed)), only \(formatBytes(free)) free on that disk")
        }
    }

    /// Bytes available to an unprivileged user in the file system holding `directory`.
    public static func freeBytes(_ directory: String) -> Int64? {
        var s = statvfs()
        guard statvfs(directory, &s) == 0 else { return nil }
        let (product, overflow) = Int64(s.f_bavail).multipliedReportingOverflow(by: Int64(s.f_frsize))
        return overflow ? Int64.max : product
    }

    public static func formatBytes(_ n: Int64) -> String {
        let v = Double(n)
        if v >= 1e12 { return String(format: "%.1f TB", v / 1e12) }
        if v >= 1e9 { return String(format: "%.1f GB", v / 1e9) }
        if v >= 1e6 { return String(format: "%.1f MB", v / 1e6) }
        return String(format: "%.0f kB", (v / 1e3).rounded(.up))
    }

    /// Writes `data` to `path` (created exclusively), checking every write and the close. Errors name
    /// `reportingAs` (the final file).
    static func writeFile(_ data: Data, to path: String, reportingAs target: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw writeFailure(target, errno: errno, detail: String(cString: strerror(errno))) }
        var failure: (Int32, String)?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = (errno, String(cString: strerror(errno)))
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failure == nil { failure = (errno, String(cString: strerror(errno))) }
        if let failure { throw writeFailure(target, errno: failure.0, detail: failure.1) }
    }

    /// The one-line error for a failed write to `path`: "PATH: disk full" when the disk (or the quota) is
    /// full, as the OS said or as the free space shows; otherwise GDAL's or the OS's reason, without
    /// libtiff's meaningless "at scanline 4294967295" (a tile, not a scanline, failed).
    public static func writeFailure(_ path: String, errno code: Int32 = 0, detail: String) -> FarSideError {
        if code == ENOSPC || detail.contains("No space left") { return .outputFailed("\(path): disk full") }
        if code == EDQUOT || detail.contains("quota exceeded") { return .outputFailed("\(path): disk quota exceeded") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if let free = freeBytes(folder), free < 1 << 20 { return .outputFailed("\(path): disk full") }
        var reason = detail.replacingOccurrences(of: #"\s*at scanline [0-9]+"#, with: "", options: .regularExpression)
        reason = reason.trimmingCharacters(in: .whitespaces)
        return .outputFailed("\(path): write failed (\(reason.isEmpty ? "I/O error" : reason))")
    }
}
