// Bundle files come from anywhere (a USB stick, a messaging app): read them as hostile.
#include "sync/bundle.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "sync/memory_replica.hpp"
#include "temp_dir.hpp"

namespace canvass::sync {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
constexpr bool kSanitized = __has_feature(address_sanitizer) || __has_feature(thread_sanitizer);
#else
constexpr bool kSanitized = false;
#endif

// What run_capped returns when the cap is not in force: an emulator such as qemu-user
// accepts setrlimit(RLIMIT_AS) but does not apply it (it would limit the emulator itself).
constexpr int kCapNotEnforced = 77;

// Runs `body` in a child process whose address space is capped at `bytes`; the child's
// exit status (1 if `body` threw, as std::bad_alloc does when the cap is hit), or
// kCapNotEnforced if mapping twice the cap still succeeds there.
int run_capped(std::size_t bytes, const std::function<int()>& body) {
    pid_t pid = fork();
    if (pid == 0) {
        rlimit cap{bytes, bytes};
        setrlimit(RLIMIT_AS, &cap);
        // A direct mmap, not new: a compiler may elide an allocation that is never used.
        void* probe =
            mmap(nullptr, 2 * bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (probe != MAP_FAILED) _exit(kCapNotEnforced);
        int rc = 1;
        try {
            rc = body();
        } catch (...) {
        }
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// fuzz finding: a 12-byte bundle whose header claimed 512 MiB made the reader allocate it
// all before finding the file truncated (a phone app would have been killed).
TEST(BundleTest, ALengthBeyondTheFileIsTruncatedWithoutAllocatingIt) {
    canvass::testing::TempDir dir;
    const auto path = (dir.path() / "short.bundle").string();
    {
        std::ofstream out(path, std::ios::binary);
        out << "CVBUNDL1" << '\x20' << '\x00' << '\x00' << '\x00';  // claims 512 MiB
    }
    if (kSanitized) GTEST_SKIP() << "sanitizers reserve more address space than the cap";
    int rc = run_capped(256u << 20, [&] {
        MemoryReplica replica;
        auto read = read_bundle(replica, nullptr, path, "p", 0);
        if (read) return 2;
        return read.error().message == path + " is truncated" ? 0 : 3;
    });
    if (rc == kCapNotEnforced)
        GTEST_SKIP() << "the address space cap is not enforced here (an emulator)";
    EXPECT_EQ(rc, 0) << "1: the reader ran out of memory; 2: accepted; 3: another error";
}

}  // namespace
}  // namespace canvass::sync
