// Keeps the glibc floor of a release binary that links libstdc++ statically (scripts/release-build).
//
// libstdc++.a built against glibc 2.36 or later (Debian 12's GCC 12, for one) has
// std::random_device call arc4random, which glibc versions GLIBC_2.36. Nothing in plenar uses
// std::random_device: the object comes in only through libstdc++'s own string instantiations. A
// hidden definition here satisfies that reference inside the binary, so the binary does not need
// GLIBC_2.36 (the floor is the oldest runner's 2.35, scripts/check-binary). Hidden: it is never
// exported, so libraries loaded later (libcurl) keep glibc's own arc4random.
#include <stdint.h>  // defines __GLIBC__ on glibc

#if defined(__linux__) && defined(__GLIBC__)

#include <errno.h>
#include <sys/random.h>

__attribute__((visibility("hidden"))) uint32_t arc4random(void) {
    uint32_t value = 0;
    // getrandom (glibc 2.25) never returns short for 4 bytes once the pool is ready; it blocks
    // until then, as arc4random does.
    while (getrandom(&value, sizeof value, 0) != (ssize_t)sizeof value && errno == EINTR) {
    }
    return value;
}

#endif
