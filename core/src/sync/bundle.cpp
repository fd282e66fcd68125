#include "sync/bundle.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sync/messages.hpp"
#include "sync/verify.hpp"

namespace canvass::sync {

namespace {

constexpr std::string_view kMagic = "CVBUNDL1";

// A file, unlike a session, may hold a whole device's history in one batch.
MessageLimits bundle_limits() {
    MessageLimits l;
    l.max_message_bytes = 512u << 20;
    l.max_batch_changesets = 1u << 22;
    l.max_batch_bytes = 512u << 20;
    return l;
}

Unexpected<Error> io_error(const std::string& what) {
    return unexpected(Domain::core, errc::io, what);
}

}  // namespace

Result<BundleReport> write_bundle(Replica& replica, const std::string& path) {
    BundleReport report;
    const std::string tmp = path + ".partial";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return io_error("cannot write " + tmp);
    out.write(kMagic.data(), static_cast<std::streamsize>(kMagic.size()));
    CANVASS_TRY(auto chains, replica.chains());
    for (const auto& [device, point] : chains.entries()) {
        CANVASS_TRY(auto head, replica.cover_head(device, 1, point.seq));
        if (!head || head->head.seq != point.seq) {
            return unexpected(Domain::store, errc::corrupt,
                              "no signed head covers the chain of a device held here");
        }
        ChainRun run;
        run.device = device;
        run.key = head->key;
        CANVASS_TRY(run.changesets, replica.changesets(device, 1, point.seq));
        run.head = HeadSignature{head->head.seq, head->head.hash, head->head.signature};
        CANVASS_TRY(run.grants, replica.grants(device));
        report.changesets += run.changesets.size();
        ++report.devices;
        Changesets message;
        message.runs.push_back(std::move(run));
        auto bytes = encode_message(Message{std::move(message)});
        const std::uint32_t n = static_cast<std::uint32_t>(bytes.size());
        const char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                             static_cast<char>(n >> 8), static_cast<char>(n)};
        out.write(len, 4);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    out.flush();
    if (!out) return io_error("cannot write " + tmp);
    out.close();
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return io_error("cannot write " + path + ": " + ec.message());
    return report;
}

Result<BundleReport> read_bundle(Replica& replica, const std::string& path, const std::string& project,
                                 std::uint64_t now_ms) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io_error("cannot read " + path);
    std::string magic(kMagic.size(), '\0');
    in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
    if (!in || magic != kMagic) {
        return unexpected(Domain::protocol, errc::corrupt, path + " is not a canvass bundle");
    }
    // A length is believed only as far as the file goes: a 12-byte file claiming a 512 MiB
    // record is truncated, and nothing that large is allocated for it.
    std::error_code size_ec;
    const std::uintmax_t file_bytes = std::filesystem::file_size(path, size_ec);
    if (size_ec) return io_error("cannot read " + path + ": " + size_ec.message());
    const auto limits = bundle_limits();
    VerifyContext context;
    context.project = project;
    context.may_deliver = [](const merge::DeviceId&) { return true; };
    context.now_ms = now_ms;
    BundleReport report;
    for (;;) {
        unsigned char len[4];
        in.read(reinterpret_cast<char*>(len), 4);
        if (in.gcount() == 0 && in.eof()) break;
        if (in.gcount() != 4) return unexpected(Domain::protocol, errc::corrupt, path + " is truncated");
        const std::size_t n = std::size_t{len[0]} << 24 | std::size_t{len[1]} << 16 |
                              std::size_t{len[2]} << 8 | len[3];
        if (n > limits.max_message_bytes) {
            return unexpected(Domain::protocol, errc::limit_exceeded, path + " holds a record too large");
        }
        const auto at = static_cast<std::uintmax_t>(in.tellg());
        if (at > file_bytes || n > file_bytes - at) {
            return unexpected(Domain::protocol, errc::corrupt, path + " is truncated");
        }
        Bytes bytes(n);
        in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(n));
        if (static_cast<std::size_t>(in.gcount()) != n) {
            return unexpected(Domain::protocol, errc::corrupt, path + " is truncated");
        }
        CANVASS_TRY(auto message, decode_message(bytes, limits));
        auto* batch = std::get_if<Changesets>(&message);
        if (!batch) return unexpected(Domain::protocol, errc::corrupt, path + " holds something else than changesets");
        CANVASS_TRY(auto verified, verify_batch(*batch, replica, context));
        for (const auto& run : verified.runs) report.changesets += run.changesets.size();
        for (const auto& e : verified.evidence) report.evidence += e.changesets.size();
        report.devices += batch->runs.size();
        CANVASS_TRY_VOID(replica.store(verified));
    }
    return report;
}

}  // namespace canvass::sync
