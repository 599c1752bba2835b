/// A failed system call: its errno, and the C library's text for it.
public struct PlatformError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) {
        self.code = code
    }

    /// The errno of the call that just failed.
    public static var current: PlatformError { PlatformError(errno) }

    /// `strerror`'s text ("No such file or directory").
    public var description: String { String(cString: strerror(code)) }
}
