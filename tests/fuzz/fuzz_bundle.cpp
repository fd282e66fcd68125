// A bundle file carried on a USB stick or sent over a messaging app (sync/bundle.hpp).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "sync/bundle.hpp"
#include "sync/memory_replica.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/canvass-fuzz-bundle-" + std::to_string(::getpid());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    canvass::sync::MemoryReplica replica;
    (void)canvass::sync::read_bundle(replica, nullptr, path, "fuzz", 1709249400000);
    std::remove(path.c_str());
    return 0;
}
