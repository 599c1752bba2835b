// The C library, for every target above this one: Glibc, Musl or Darwin, chosen here once. Other
// targets import Platform, never the C library itself.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#else
#error("Platform needs Glibc, Musl or Darwin")
#endif

/// The operating system, as the User-Agent names it.
public enum OperatingSystem {
    public static var name: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "macos"
        #elseif os(FreeBSD)
        "freebsd"
        #else
        "unknown"
        #endif
    }

    /// The processor architecture, as the User-Agent names it.
    public static var architecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown"
        #endif
    }
}
