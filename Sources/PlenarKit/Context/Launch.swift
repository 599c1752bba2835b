/// When plenar started its work, on the live clock: `plenar`'s `main` reads `instant` first
/// thing, so what comes before the first request (parsing, settings, loading libcurl) counts
/// toward `PLENAR_TIMEOUT_MS` instead of coming on top of it. In any other process (tests) it is
/// the first time a live context is made.
public enum Launch {
    public static let instant = LiveClock().now()
}
