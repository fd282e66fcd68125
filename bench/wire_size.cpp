// Wire size: what a record of the real form home_based_workers (repeats inside repeats)
// costs on the wire, against the JSON of its answers. N records are saved through the
// device store as `canvass fill` saves them (the example answers of
// schemas/forms/home_based_workers.answers.jsonl, round and round, each a new record with
// new instance ids); each changeset is then encoded in format 1 and in format 2 (the same
// header and ciphertext, only the encoding differs), and both are wrapped in the push a
// device sends: one `changesets` message (CBOR) carried in Noise frames.
// Printed, per record and in total: the answers' JSON bytes, both encodings and their
// ratios to the JSON, both measured in the same run.
//
//   bench_wire_size [--records N]
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "merge/changeset.hpp"
#include "sync/messages.hpp"
#include "sync_bench_support.hpp"

namespace {

using namespace canvass;
using bench::die;
using nlohmann::json;
using sync::Bytes;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) die("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<json> example_answers() {
    std::istringstream lines(
        slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/home_based_workers.answers.jsonl"));
    std::vector<json> out;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) out.push_back(json::parse(line));
    }
    if (out.empty()) die("no example answers");
    return out;
}

// What the Noise transport adds to a message (schemas/protocol/sync.md, "Chunks"): per
// chunk of at most 65518 bytes a flag byte, the 16-byte tag and the 2-byte frame length.
std::size_t on_the_wire(std::size_t message) {
    constexpr std::size_t chunk = 65518;
    const std::size_t chunks = message / chunk + 1;
    return message + chunks * (1 + 16 + 2);
}

// The push of `changesets` as one `changesets` message, with the device's key, a signed head
// and its grants, as a device sends it (sizes only: the head is not re-signed per format).
std::size_t push_message(const std::vector<Bytes>& changesets, const store::DeviceKeys& keys,
                         const std::vector<Bytes>& grants) {
    sync::ChainRun run;
    run.device = keys.id;
    run.key = keys.signing.public_key;
    run.changesets = changesets;
    run.head.seq = changesets.size();
    run.grants = grants;
    sync::Changesets batch;
    batch.batch = 1;
    batch.runs.push_back(std::move(run));
    return sync::encode_message(batch).size();
}

// Where one changeset's bytes go: its paths written out (format 1), and the tables of
// distinct names and instance ids format 2 writes instead.
struct Breakdown {
    std::size_t path_text = 0, names = 0, instances = 0;
};

void add_breakdown(Breakdown& b, const merge::ChangesetHeader& h) {
    std::set<std::string> names, instances;
    for (const auto& op : h.ops) {
        b.path_text += op.path.size() + 1;
        std::string_view rest = op.path;
        while (!rest.empty()) {
            const auto slash = rest.find('/');
            const auto segment = rest.substr(0, slash);
            const auto open = segment.find('[');
            names.insert(std::string(segment.substr(0, open)));
            if (open != std::string_view::npos) instances.insert(std::string(segment.substr(open)));
            rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        }
    }
    for (const auto& n : names) b.names += n.size() + 1;
    b.instances += instances.size() * 16;
}

double ratio(std::size_t a, std::size_t b) {
    return static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

int main(int argc, char** argv) {
    const int records = bench::int_option(argc, argv, "--records", 200);
    bench::TempRoot root("canvass-bench-wire");
    store::StoreOptions options;
    options.pwhash = crypto::PwhashParams::minimum();  // not what is measured
    auto s =
        store::DeviceStore::create(root.path() + "/device", store::Passphrase{"bench"}, options);
    if (!s) die(s.error().message);
    if (auto f = s->add_form(
            slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/home_based_workers.json"));
        !f)
        die(f.error().message);

    const auto samples = example_answers();
    std::size_t json_bytes = 0;
    for (int i = 0; i < records; ++i) {
        const json& a = samples[static_cast<std::size_t>(i) % samples.size()];
        json_bytes += a.dump().size();
        auto r = s->create_record("home_based_workers", a, true);
        if (!r) die(r.error().message);
    }
    const auto& device = s->keys().id;
    auto point = s->chain_point(device);
    if (!point || !*point) die("the device holds no chain");
    auto stored = s->changesets(device, 1, (*point)->seq);
    if (!stored) die(stored.error().message);

    std::vector<Bytes> f1, f2;
    std::size_t f1_bytes = 0, f2_bytes = 0, ciphertext = 0, ops = 0;
    Breakdown parts;
    for (const auto& bytes : *stored) {
        auto cs = merge::decode(bytes);
        if (!cs) die(cs.error().message);
        const auto saved_in = cs->header.format;
        ciphertext += cs->ciphertext.size();
        ops += cs->header.ops.size();
        add_breakdown(parts, cs->header);
        cs->header.format = merge::kChangesetFormatText;
        f1.push_back(merge::encode(*cs));
        cs->header.format = merge::kChangesetFormatCompact;
        f2.push_back(merge::encode(*cs));
        if ((saved_in == merge::kChangesetFormatCompact ? f2 : f1).back() != bytes)
            die("a stored changeset does not re-encode to its bytes");
        auto back = merge::decode(f1.back());
        if (!back || merge::encode(*back) != f1.back()) die("format 1 does not round-trip");
        f1_bytes += f1.back().size();
        f2_bytes += f2.back().size();
    }
    std::vector<Bytes> grants;
    if (auto g = s->grants(device)) {
        for (const auto& grant : *g) grants.push_back(store::encode_grant(grant));
    }
    const std::size_t push1 = on_the_wire(push_message(f1, s->keys(), grants));
    const std::size_t push2 = on_the_wire(push_message(f2, s->keys(), grants));

    const double n = records;
    std::printf(
        "wire size: %d records of home_based_workers (%zu changesets, %.1f ops each, "
        "%.0f bytes of ciphertext each)\n",
        records, stored->size(), static_cast<double>(ops) / n, static_cast<double>(ciphertext) / n);
    std::printf("%-34s %12s %12s %8s\n", "", "per record", "total", "x JSON");
    std::printf("%-34s %12.0f %12zu %8.2f\n", "answers as JSON",
                static_cast<double>(json_bytes) / n, json_bytes, 1.0);
    std::printf("%-34s %12.0f %12zu %8.2f\n", "changesets, format 1 (baseline)",
                static_cast<double>(f1_bytes) / n, f1_bytes, ratio(f1_bytes, json_bytes));
    std::printf("%-34s %12.0f %12zu %8.2f\n", "changesets, format 2",
                static_cast<double>(f2_bytes) / n, f2_bytes, ratio(f2_bytes, json_bytes));
    std::printf("%-34s %12.0f %12zu %8.2f\n", "push on the wire, format 1",
                static_cast<double>(push1) / n, push1, ratio(push1, json_bytes));
    std::printf("%-34s %12.0f %12zu %8.2f\n", "push on the wire, format 2",
                static_cast<double>(push2) / n, push2, ratio(push2, json_bytes));
    std::printf("format 2 / format 1: changesets %.2f, push %.2f\n", ratio(f2_bytes, f1_bytes),
                ratio(push2, push1));
    const double f2_rest =
        static_cast<double>(f2_bytes - parts.names - parts.instances - ciphertext) / n;
    std::printf(
        "per record: format 1 paths as text %.0f; format 2 name table %.0f, instance ids %.0f, "
        "ciphertext %.0f, ops and fixed fields %.0f\n",
        static_cast<double>(parts.path_text) / n, static_cast<double>(parts.names) / n,
        static_cast<double>(parts.instances) / n, static_cast<double>(ciphertext) / n, f2_rest);
    return 0;
}
