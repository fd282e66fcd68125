// Attachments against a real server (issue 13): 20 photos of 2 to 5 MB pushed over a link cut
// several times, each cut costing at most the chunk in flight; the coordinator's export holds
// the same bytes; the server's data directory, its log and a capture of the wire hold none of
// them; caps refuse a file before anything is uploaded; organizers carry them in bundles, and
// a carrier cannot pass other bytes off as them.
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "coordinator/records.hpp"
#include "coordinator/source.hpp"
#include "crypto/attachment_crypto.hpp"
#include "export/export_form.hpp"
#include "export/media_files.hpp"
#include "field_device.hpp"
#include "photo_form.hpp"
#include "unzip.hpp"
#include "sync/bundle.hpp"
#include "sync/frame.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

using canvass::testing::kPhotoForm;

constexpr std::string_view kMarker = "CANVASS-PLAINTEXT-PHOTO-MARKER";

// A photo of `n` bytes, different for each `seed`, with the marker all through it.
std::vector<std::uint8_t> photo(std::size_t n, std::uint32_t seed) {
    std::vector<std::uint8_t> out(n);
    std::uint32_t x = seed * 2654435761u + 1;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        out[i] = static_cast<std::uint8_t>(x >> 24);
    }
    for (std::size_t at = 100; at + kMarker.size() < n; at += 40000)
        std::copy(kMarker.begin(), kMarker.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
    return out;
}

std::string slurp_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Cuts the connection once `budget` bytes were sent (after the frame that crosses it, so that
// frame may arrive but its answer never does).
class CuttingTransport final : public sync::Transport {
  public:
    CuttingTransport(std::unique_ptr<sync::Transport> inner, std::uint64_t budget)
        : inner_(std::move(inner)), budget_(budget) {}
    Result<void> send_frame(std::span<const std::uint8_t> frame) override {
        if (cut_) return unexpected(Domain::net, errc::io, "the link was cut");
        CANVASS_TRY_VOID(inner_->send_frame(frame));
        if (wire) wire->insert(wire->end(), frame.begin(), frame.end());
        sent_ += frame.size();
        if (sent_ >= budget_) {
            cut_ = true;
            inner_->close();
        }
        return {};
    }
    Result<sync::Bytes> receive_frame() override {
        if (cut_) return unexpected(Domain::net, errc::io, "the link was cut");
        CANVASS_TRY(auto frame, inner_->receive_frame());
        if (wire) wire->insert(wire->end(), frame.begin(), frame.end());
        return frame;
    }
    void close() override { inner_->close(); }
    bool cut() const { return cut_; }
    std::string* wire = nullptr;  // when set, every frame either way is appended (a capture)

  private:
    std::unique_ptr<sync::Transport> inner_;
    std::uint64_t budget_;
    std::uint64_t sent_ = 0;
    bool cut_ = false;
};

// The store's attachments, counting the chunks read to be sent.
class CountingMedia final : public sync::MediaReplica {
  public:
    explicit CountingMedia(store::DeviceStore& store) : inner_(store) {}
    Result<void> caps(const sync::MediaCaps& c) override { return inner_.caps(c); }
    Result<std::vector<Outgoing>> unsent() override {
        if (claim) return std::vector<Outgoing>{{*claim, "", false}};
        return inner_.unsent();
    }
    Result<std::uint64_t> delivered_bytes() override { return inner_.delivered_bytes(); }
    Result<std::vector<sync::MediaItem>> carried() override { return inner_.carried(); }
    Result<sync::Bytes> chunk(const sync::MediaId& id, std::uint64_t index) override {
        ++chunks_read;
        if (claim && claim->media_id() == id) return claim_chunks.at(index);
        CANVASS_TRY(auto data, inner_.chunk(id, index));
        if (tamper) tamper(data);
        return data;
    }
    Result<void> delivered(const sync::MediaId& id) override { return inner_.delivered(id); }
    Result<std::uint64_t> held(const sync::MediaId& id) override { return inner_.held(id); }
    Result<void> keep(const sync::MediaItem& item, std::uint64_t index,
                      std::span<const std::uint8_t> data, bool forward) override {
        return inner_.keep(item, index, data, forward);
    }
    std::uint64_t chunks_read = 0;
    std::function<void(sync::Bytes&)> tamper;  // a hostile carrier's change to each chunk sent
    // A hostile carrier's item of its own, with its chunks, offered instead of the store's.
    std::optional<sync::MediaItem> claim;
    std::vector<sync::Bytes> claim_chunks;

  private:
    sync::DeviceMediaReplica inner_;
};

struct MediaTest : DemoServerTest {
    void SetUp() override {
        DemoServerTest::SetUp();
        std::string form = tmp / "stalls.json";
        std::ofstream(form) << kPhotoForm;
        auto published = server_command(tmp, data, {"form", "publish", "--project", "demo", form});
        ASSERT_EQ(published.exit_code, 0) << published.err;
    }

    // One sync with attachments over a link cut after `budget` bytes (0: never cut).
    // `chunks_sent` counts the chunks read to be sent (a cut one included).
    Result<sync::SyncReport> sync_media(FieldDevice& device, std::uint64_t budget,
                                        std::uint64_t* chunks_sent = nullptr,
                                        bool* was_cut = nullptr,
                                        std::function<void(sync::Bytes&)> tamper = {},
                                        std::string* wire = nullptr,
                                        const std::function<void(CountingMedia&)>& arrange = {}) {
        CANVASS_TRY(auto config, device.store.project());
        CANVASS_TRY(auto t, net::connect_tcp(config->server_address, Device::tcp_options()));
        CuttingTransport link(std::move(t), budget ? budget : ~std::uint64_t{0});
        link.wire = wire;
        sync::DeviceReplica replica(device.store);
        CountingMedia media(device.store);
        media.tamper = std::move(tamper);
        if (arrange) arrange(media);
        sync::DeviceProjectSink sink(device.store, config->server_address, config->server_key);
        sync::ClientOptions options;
        options.media = &media;
        auto r = sync::run_client_sync(link, config->server_key, device.store.keys(), replica, sink,
                                       options);
        if (chunks_sent) *chunks_sent += media.chunks_read;
        if (was_cut) *was_cut = link.cut();
        return r;
    }

    // The coordinator's export of `device`'s store into `out`: every photo there, byte for byte.
    void expect_exported(FieldDevice& coordinator,
                         const std::map<std::string, std::vector<std::uint8_t>>& photos,
                         const std::string& out) {
        coordinator::DeviceStoreSource source(coordinator.store);
        auto dataset = coordinator::load_dataset(source, coordinator_key, "stalls");
        ASSERT_TRUE(dataset) << dataset.error().message;
        auto form = coordinator.store.form("stalls");
        ASSERT_TRUE(form);
        fs::create_directories(out);
        auto media = exporting::write_media(coordinator.store, **form, *dataset, out);
        ASSERT_TRUE(media) << media.error().message;
        EXPECT_EQ(media->written, photos.size());
        EXPECT_EQ(media->missing, 0u);
        ASSERT_EQ(dataset->records.size(), photos.size());
        for (const auto& r : dataset->records) {
            EXPECT_EQ(r.attachments_expected, 1u);
            EXPECT_EQ(r.attachments_present, 1u);
            std::string market = r.answers.at("market").get<std::string>();
            std::string name = r.answers.at("stall").at("name").get<std::string>();
            auto written = slurp_file(fs::path(out) / "media" / name);
            const auto& original = photos.at(market);
            EXPECT_EQ(written, std::string(original.begin(), original.end())) << name;
        }
    }

    // `device`'s chains and attachments written into the bundle `path`.
    static Result<sync::BundleReport> write_bundle(FieldDevice& device, const std::string& path) {
        sync::DeviceReplica replica(device.store);
        sync::DeviceMediaReplica media(device.store);
        return sync::write_bundle(replica, &media, path);
    }

    // The bundle `path` read into `device`'s store.
    static Result<sync::BundleReport> read_bundle(FieldDevice& device, const std::string& path) {
        sync::DeviceReplica replica(device.store);
        sync::DeviceMediaReplica media(device.store);
        return sync::read_bundle(replica, &media, path, "demo", 1'790'000'000'000);
    }

    // Where a carrier's attacks start: a collector's photo of 300 KB in a bundle at `path`,
    // and an organizer enrolled to carry it.
    struct Carried {
        FieldDevice collector;
        std::map<std::string, std::vector<std::uint8_t>> photos;
        std::string path;
        FieldDevice organizer;
    };
    Carried carried_photo() {
        auto collector = FieldDevice::create(tmp / "phone");
        EXPECT_TRUE(collector.enroll(token()));
        auto photos = interviews(collector, {300'000});
        const std::string path = tmp / "carried.bundle";
        EXPECT_TRUE(write_bundle(collector, path));
        auto organizer = FieldDevice::create(tmp / "organizer");
        EXPECT_TRUE(organizer.enroll(token("organizer")));
        return Carried{std::move(collector), std::move(photos), path, std::move(organizer)};
    }

    // The bundle `path` read into `organizer`'s store, and the one attachment it carries for
    // another device as the bundle showed it: its id is now known to the organizer.
    static std::optional<store::CarriedAttachment> learn(FieldDevice& organizer,
                                                         const std::string& path) {
        if (!read_bundle(organizer, path)) return std::nullopt;
        auto carried = organizer.store.carried_attachments(false);
        if (!carried || carried->size() != 1) return std::nullopt;
        return carried->front();
    }

    // A sync of `organizer` claiming the id of `real`, which it carries, for an item of its own
    // with `chunks`, signed by itself; it offers nothing else.
    Result<sync::SyncReport> sync_claiming(FieldDevice& organizer,
                                           const store::CarriedAttachment& real,
                                           const std::vector<sync::Bytes>& chunks) {
        sync::MediaItem claim{real.id, real.size, real.chunks, organizer.store.keys().id, {}, {}};
        sync::RootHasher root;
        for (const auto& c : chunks) root.update(c);
        claim.root = root.finish();
        sync::sign_item(claim, organizer.store.keys().signing.secret_key);
        return sync_media(organizer, 0, nullptr, nullptr, {}, nullptr, [&](CountingMedia& m) {
            m.claim = claim;
            m.claim_chunks = chunks;
        });
    }

    // Interviews with photos of the given sizes; the photos, by record market name.
    std::map<std::string, std::vector<std::uint8_t>> interviews(
        FieldDevice& device, const std::vector<std::size_t>& sizes,
        const std::string& prefix = "market-") {
        std::map<std::string, std::vector<std::uint8_t>> photos;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            std::string market = prefix + std::to_string(i);
            auto bytes = photo(sizes[i], static_cast<std::uint32_t>(i + 1));
            std::string path = tmp / ("stall-" + market + ".jpg");
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(bytes.data()),
                       static_cast<std::streamsize>(bytes.size()));
            auto ref = device.store.add_attachment_file(path);
            EXPECT_TRUE(ref) << ref.error().message;
            auto id = device.store.create_record(
                "stalls", json{{"market", market}, {"stall", ref->to_json()}}, true);
            EXPECT_TRUE(id) << id.error().message;
            photos[market] = std::move(bytes);
        }
        return photos;
    }
};

TEST_F(MediaTest, PhotosPushedOverACutLinkArriveWholeResendingAtMostOneChunkPerCut) {
    auto collector = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(collector.enroll(token()));
    // 20 interviews with photos of 2 to 5 MB.
    std::vector<std::size_t> sizes;
    for (std::size_t i = 0; i < 20; ++i) sizes.push_back(2'000'000 + i * 157'000);
    auto photos = interviews(collector, sizes);
    std::uint64_t chunks = 0;
    for (auto s : sizes) chunks += crypto::attachment_chunks(s);

    // Cut the link several times, each after some bytes, then let a sync finish; every
    // byte either way is captured.
    std::string wire;
    std::uint64_t begun = 0, cuts = 0;
    for (std::uint64_t budget : {9'000'000ull, 17'000'000ull, 2'500'000ull, 13'000'000ull, 0ull}) {
        bool cut = false;
        auto r = sync_media(collector, budget, &begun, &cut, {}, &wire);
        if (budget == 0) {
            ASSERT_TRUE(r) << r.error().describe();
            ASSERT_TRUE(r->media);
        } else {
            ASSERT_TRUE(cut) << "the link was meant to be cut after " << budget << " bytes";
            ASSERT_FALSE(r);
            ++cuts;
        }
    }
    EXPECT_EQ(cuts, 4u);
    EXPECT_GE(begun, chunks);
    EXPECT_LE(begun, chunks + cuts) << "each cut re-sends at most the chunk in flight";
    auto status = collector.store.status();
    ASSERT_TRUE(status);
    EXPECT_EQ(status->attachments.unsent, 0u);
    EXPECT_EQ(status->attachments.records_waiting, 0u);

    // A sync with nothing new sends no chunk.
    std::uint64_t again = 0;
    auto idle = sync_media(collector, 0, &again);
    ASSERT_TRUE(idle) << idle.error().describe();
    EXPECT_EQ(again, 0u);

    EXPECT_GT(wire.size(), 70'000'000u);
    EXPECT_EQ(wire.find(kMarker), std::string::npos) << "a photo's plaintext on the wire";
    for (const auto& [market, bytes] : photos) {
        auto h = crypto::blake2b_256(bytes);
        EXPECT_EQ(wire.find(std::string(h.begin(), h.end())), std::string::npos)
            << "a photo's plain hash on the wire";
    }

    auto s = stats();
    EXPECT_EQ(s.at("attachments"), 20);
    EXPECT_EQ(s.at("attachments_partial"), 0);
    EXPECT_EQ(s.at("attachment_chunks"), static_cast<int>(chunks));

    // The coordinator fetches and decrypts them: the export's media/ holds the same bytes.
    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    std::string pulled_wire;
    auto pulled = sync_media(coordinator, 0, nullptr, nullptr, {}, &pulled_wire);
    ASSERT_TRUE(pulled) << pulled.error().describe();
    ASSERT_TRUE(pulled->media);
    EXPECT_EQ(pulled->media->fetched, 20u);
    EXPECT_EQ(pulled_wire.find(kMarker), std::string::npos)
        << "a photo's plaintext on the coordinator's wire";
    expect_exported(coordinator, photos, tmp / "export");

    // None of the plaintext on the server: not in its files, not in its log. Nor the
    // photos' plain BLAKE2b, in a file name or in a file: whoever holds a photo could look
    // it up there (the server knows each attachment by a keyed id only).
    std::vector<std::string> hashes;
    for (const auto& [market, bytes] : photos) {
        auto h = crypto::blake2b_256(bytes);
        hashes.push_back(crypto::to_hex(h));
        hashes.emplace_back(h.begin(), h.end());
    }
    std::size_t scanned = 0;
    for (const auto& e : fs::recursive_directory_iterator(data)) {
        for (const auto& h : hashes)
            EXPECT_EQ(e.path().string().find(h), std::string::npos) << e.path();
        if (!e.is_regular_file()) continue;
        ++scanned;
        const auto content = slurp_file(e.path());
        EXPECT_EQ(content.find(kMarker), std::string::npos) << e.path();
        for (const auto& h : hashes)
            EXPECT_EQ(content.find(h), std::string::npos) << e.path() << " holds a photo's hash";
    }
    EXPECT_GT(scanned, 2 * photos.size())
        << "an item and a chunks file for each photo, and the server's own";
    EXPECT_EQ(server->log().find(kMarker), std::string::npos);
    for (const auto& h : hashes) EXPECT_EQ(server->log().find(h), std::string::npos);
    // Nor in the devices' stores at rest.
    for (const auto& home : {collector.home, coordinator.home})
        for (const auto& e : fs::directory_iterator(home))
            EXPECT_EQ(slurp_file(e.path()).find(kMarker), std::string::npos) << e.path();
}

TEST_F(MediaTest, ARecordWhoseAttachmentHasNotArrivedShowsItInStatusAndExport) {
    auto collector = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(collector.enroll(token()));
    interviews(collector, {300'000});
    // The changesets arrive, the attachment does not (a sync without attachments).
    ASSERT_TRUE(collector.sync());
    auto status = collector.store.status();
    ASSERT_TRUE(status);
    EXPECT_EQ(status->attachments.unsent, 1u);
    EXPECT_EQ(status->attachments.records_waiting, 1u);

    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    ASSERT_TRUE(sync_media(coordinator, 0));
    coordinator::DeviceStoreSource source(coordinator.store);
    auto dataset = coordinator::load_dataset(source, coordinator_key, "stalls");
    ASSERT_TRUE(dataset);
    auto form = coordinator.store.form("stalls");
    auto media = exporting::write_media(coordinator.store, **form, *dataset, tmp / "export");
    ASSERT_TRUE(media);
    EXPECT_EQ(media->missing, 1u);
    EXPECT_EQ(media->records_missing, 1u);
    ASSERT_EQ(dataset->records.size(), 1u);
    EXPECT_EQ(dataset->records[0].attachments_expected, 1u);
    EXPECT_EQ(dataset->records[0].attachments_present, 0u);
    EXPECT_EQ(dataset->records[0].answers.at("stall").at("name"),
              "stall-market-0.jpg");  // the cell names it

    // Once it is delivered, the next pull and export have it.
    ASSERT_TRUE(sync_media(collector, 0));
    ASSERT_TRUE(sync_media(coordinator, 0));
    auto again = coordinator::load_dataset(source, coordinator_key, "stalls");
    ASSERT_TRUE(again);
    auto media2 = exporting::write_media(coordinator.store, **form, *again, tmp / "export2");
    ASSERT_TRUE(media2);
    EXPECT_EQ(media2->written, 1u);
    EXPECT_EQ(again->records[0].attachments_present, 1u);
}

TEST_F(MediaTest, AnExportLaysTheFilesOutInMediaOrAFolderPerRecordAsOdkCentralsZipDoes) {
    auto collector = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(collector.enroll(token()));
    // Two records, each with a photo of its own under the same name, as two phones' cameras
    // would name them.
    std::vector<std::vector<std::uint8_t>> photos{photo(200'000, 1), photo(210'000, 2)};
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < photos.size(); ++i) {
        const fs::path dir = tmp / ("camera-" + std::to_string(i));
        fs::create_directories(dir);
        std::ofstream(dir / "stall.jpg", std::ios::binary)
            .write(reinterpret_cast<const char*>(photos[i].data()),
                   static_cast<std::streamsize>(photos[i].size()));
        auto ref = collector.store.add_attachment_file((dir / "stall.jpg").string());
        ASSERT_TRUE(ref) << ref.error().message;
        auto id = collector.store.create_record(
            "stalls", json{{"market", "market-" + std::to_string(i)}, {"stall", ref->to_json()}},
            true);
        ASSERT_TRUE(id) << id.error().message;
        ids.push_back(merge::format_uuid(*id));
    }
    ASSERT_TRUE(sync_media(collector, 0));
    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    ASSERT_TRUE(sync_media(coordinator, 0));

    auto exported = [&](bool by_record, bool zip = false) {
        ExportRequest request;
        request.form_id = "stalls";
        request.dir = tmp / (by_record ? (zip ? "central-zip" : "central") : "briefcase");
        request.files_by_record = by_record;
        request.zip = zip;
        auto summary = exporting::export_form(coordinator.store, coordinator_key, request);
        if (summary) {
            EXPECT_EQ(summary->media_files, 2u);
        } else {
            ADD_FAILURE() << summary.error().message;
        }
        return fs::path(request.dir);
    };
    auto central = exported(true);
    for (std::size_t i = 0; i < photos.size(); ++i) {
        EXPECT_EQ(slurp_file(central / "files" / ("uuid" + ids[i]) / "stall.jpg"),
                  std::string(photos[i].begin(), photos[i].end()))
            << "files/<instanceID without its colon>/<name>, as ODK Central's zip holds them";
    }
    EXPECT_FALSE(fs::exists(central / "media"));
    const auto central_csv = slurp_file(central / "stalls.csv");
    EXPECT_EQ(central_csv.find("stall-"), std::string::npos)
        << "each record's folder keeps the name as attached: " << central_csv;

    // In media/, one folder for every record, the second file under the name gets its hash's
    // first digits, and its cell says so.
    auto media = exported(false);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(media / "media"))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    ASSERT_EQ(names.size(), 2u);
    EXPECT_EQ(names[1], "stall.jpg");
    EXPECT_EQ(names[0].substr(0, 6), "stall-");
    EXPECT_NE(slurp_file(media / "stalls.csv").find(names[0]), std::string::npos);

    // --zip: ODK Central's zip of submissions and attachments, the files beside the table.
    auto packed = canvass::testing::unzip((exported(true, true) / "stalls.zip").string());
    ASSERT_TRUE(packed.count("stalls.csv")) << "the table at the archive's root";
    for (std::size_t i = 0; i < photos.size(); ++i)
        EXPECT_EQ(packed["files/uuid" + ids[i] + "/stall.jpg"],
                  std::string(photos[i].begin(), photos[i].end()));
    EXPECT_EQ(packed.size(), 1 + photos.size()) << "nothing else, nothing twice";
}

TEST_F(MediaTest, AFileOverTheServersCapIsRefusedOnTheDeviceBeforeAnyUpload) {
    server->stop();
    server.emplace(tmp, data, std::vector<std::string>{"--max-attachment-bytes", "1000000"});
    server->start();
    auto collector = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(collector.enroll(token()));
    interviews(collector, {1'500'000});  // taken before the device knew the server's cap
    std::uint64_t begun = 0;
    auto r = sync_media(collector, 0, &begun);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::limit_exceeded);
    EXPECT_NE(r.error().message.find("more than the 1.0 MB one attachment may be on this server"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(begun, 0u) << "nothing uploaded";
    EXPECT_EQ(stats().at("attachment_chunks"), 0);
    // Now the device knows the cap: a larger file is refused when it is taken.
    std::string big = tmp / "big.jpg";
    { std::ofstream(big, std::ios::binary); }
    fs::resize_file(big, 2ull << 30);  // 2 GB, sparse
    auto taken = collector.store.add_attachment_file(big);
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, errc::limit_exceeded);
    EXPECT_NE(taken.error().message.find("more than the 1.0 MB"), std::string::npos)
        << taken.error().message;
}

// Issue 13: an organizer carries a collector's photos, which never reached the server, in a
// bundle; the coordinator exports them byte for byte, and the collector's own sync later
// sends none of them again.
TEST_F(MediaTest, AnOrganizerCarriesACollectorsPhotosInABundleToTheCoordinator) {
    auto collector = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(collector.enroll(token()));
    auto photos = interviews(collector, {1'400'000, 200'000});
    const std::string path = tmp / "market-day.bundle";
    {
        sync::DeviceReplica replica(collector.store);
        sync::DeviceMediaReplica media(collector.store);
        auto wrote = sync::write_bundle(replica, &media, path);
        ASSERT_TRUE(wrote) << wrote.error().message;
        EXPECT_EQ(wrote->attachments, 2u);
        EXPECT_EQ(wrote->attachment_bytes, 1'600'000u);
    }
    EXPECT_EQ(slurp_file(path).find(kMarker), std::string::npos)
        << "the bundle holds the photos sealed";

    auto organizer = FieldDevice::create(tmp / "organizer");
    ASSERT_TRUE(organizer.enroll(token("organizer")));
    {
        sync::DeviceReplica replica(organizer.store);
        sync::DeviceMediaReplica media(organizer.store);
        auto read = sync::read_bundle(replica, &media, path, "demo", 1'790'000'000'000);
        ASSERT_TRUE(read) << read.error().message;
        EXPECT_EQ(read->attachments, 2u);
        auto again = sync::read_bundle(replica, &media, path, "demo", 1'790'000'000'000);
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(again->attachments, 0u) << "a bundle read twice keeps nothing twice";
    }
    EXPECT_EQ(organizer.store.status()->attachments.carried, 2u);
    for (const auto& e : fs::directory_iterator(organizer.home))
        EXPECT_EQ(slurp_file(e.path()).find(kMarker), std::string::npos) << e.path();

    // A collector given the same bundle keeps the photos but does not deliver them: its
    // own still go through.
    auto other = FieldDevice::create(tmp / "other-phone");
    ASSERT_TRUE(other.enroll(token()));
    ASSERT_TRUE(read_bundle(other, path));
    auto other_photos = interviews(other, {120'000}, "other-market-");
    auto own_sync = sync_media(other, 0);
    ASSERT_TRUE(own_sync) << own_sync.error().describe();
    ASSERT_TRUE(own_sync->media);
    EXPECT_EQ(own_sync->media->delivered, 1u) << "its own photo only";
    EXPECT_EQ(other.store.status()->attachments.carried, 2u);
    EXPECT_EQ(stats().at("attachments"), 1);

    auto carried = sync_media(organizer, 0);
    ASSERT_TRUE(carried) << carried.error().describe();
    ASSERT_TRUE(carried->media);
    EXPECT_EQ(carried->media->delivered, 2u);
    EXPECT_EQ(organizer.store.status()->attachments.carried, 0u);
    EXPECT_EQ(stats().at("attachments"), 3);

    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    ASSERT_TRUE(sync_media(coordinator, 0));
    photos.merge(other_photos);
    expect_exported(coordinator, photos, tmp / "export");

    // The collector, back in range, finds its photos on the server already.
    std::uint64_t resent = 0;
    auto own = sync_media(collector, 0, &resent);
    ASSERT_TRUE(own) << own.error().describe();
    EXPECT_EQ(resent, 0u);
    EXPECT_EQ(collector.store.status()->attachments.unsent, 0u);
}

// Attacks by whoever carries attachments: a bundle's chunk changed on the way, and an
// organizer sending the server other bytes for a collector's photo. Neither is kept, and the
// real photo still reaches the coordinator.
TEST_F(MediaTest, ACarrierCannotPassOtherBytesOffAsACollectorsPhoto) {
    auto [collector, photos, path, organizer] = carried_photo();

    // One byte of the last chunk changed: refused, nothing of it kept.
    {
        auto bytes = slurp_file(path);
        bytes[bytes.size() - 200] ^= 0x01;  // inside the last chunk's data
        const std::string changed = tmp / "changed.bundle";
        std::ofstream(changed, std::ios::binary) << bytes;
        sync::DeviceReplica replica(organizer.store);
        sync::DeviceMediaReplica media(organizer.store);
        auto read = sync::read_bundle(replica, &media, changed, "demo", 1'790'000'000'000);
        ASSERT_FALSE(read);
        EXPECT_NE(read.error().message.find("not the ones its author signed"), std::string::npos)
            << read.error().message;
        EXPECT_EQ(organizer.store.status()->attachments.carried, 0u);
        EXPECT_EQ(organizer.store.status()->attachments.partial, 0u);
    }

    // The organizer, holding the real bundle, sends the server other bytes in every chunk.
    ASSERT_TRUE(read_bundle(organizer, path));
    auto forged =
        sync_media(organizer, 0, nullptr, nullptr, [](sync::Bytes& chunk) { chunk[0] ^= 0xff; });
    ASSERT_FALSE(forged);
    EXPECT_NE(forged.error().message.find("do not match what its author signed"), std::string::npos)
        << forged.error().describe();
    EXPECT_EQ(stats().at("attachments"), 0);
    EXPECT_EQ(stats().at("attachment_chunks"), 0) << "every chunk of it was discarded";
    EXPECT_NE(server->log().find("do not match what its author signed"), std::string::npos);

    // The collector delivers the real one; the coordinator exports it.
    ASSERT_TRUE(sync_media(collector, 0));
    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    ASSERT_TRUE(sync_media(coordinator, 0));
    expect_exported(coordinator, photos, tmp / "export");
}

// Issue 13: an organizer that carried a collector's bundle learns its attachment's id and
// claims that id first for an item of its own, signed by itself. The collector's photo is
// still taken when it syncs, and the coordinator exports the collector's bytes, never the
// organizer's.
TEST_F(MediaTest, ACarrierCannotSquatTheIdOfACollectorsPhoto) {
    auto [collector, photos, path, organizer] = carried_photo();
    const auto learned = learn(organizer, path);
    ASSERT_TRUE(learned);
    const auto& real = *learned;

    // The organizer's own item under the collector's id, of other bytes, signed by itself.
    std::vector<sync::Bytes> junk;
    for (std::uint64_t c = 0; c < real.chunks; ++c)
        junk.emplace_back(sync::sealed_chunk_bytes(
                              sync::MediaItem{real.id, real.size, real.chunks, {}, {}, {}}, c),
                          std::uint8_t{0x5a});
    auto squatted = sync_claiming(organizer, real, junk);
    ASSERT_TRUE(squatted) << squatted.error().describe();
    EXPECT_EQ(stats().at("attachments"), 1);

    // The collector delivers its own photo all the same.
    auto delivered = sync_media(collector, 0);
    ASSERT_TRUE(delivered) << delivered.error().describe();
    ASSERT_TRUE(delivered->media);
    EXPECT_EQ(delivered->media->delivered, 1u);
    EXPECT_EQ(collector.store.status()->attachments.unsent, 0u);
    EXPECT_EQ(stats().at("attachments"), 2) << "both items kept, neither in place of the other";

    // The coordinator fetches both and exports the collector's bytes for its record.
    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    auto pulled = sync_media(coordinator, 0);
    ASSERT_TRUE(pulled) << pulled.error().describe();
    ASSERT_TRUE(pulled->media);
    EXPECT_EQ(pulled->media->fetched, 2u);
    expect_exported(coordinator, photos, tmp / "export");
}

// Issue 13: the organizer claims the id with the collector's own sealed chunks, re-signed as
// its own, which would open under the collector's key. A coordinator still never opens that
// copy for the collector's record: until the collector's item arrives, the photo is missing.
TEST_F(MediaTest, ACoordinatorNeverOpensACarriersCopyForAnotherDevicesRecord) {
    auto [collector, photos, path, organizer] = carried_photo();
    const auto learned = learn(organizer, path);
    ASSERT_TRUE(learned);
    const auto& real = *learned;
    std::vector<sync::Bytes> copied;
    for (std::uint64_t c = 0; c < real.chunks; ++c) {
        auto chunk = organizer.store.received_chunk(real.author, real.id, c);
        ASSERT_TRUE(chunk);
        copied.push_back(*chunk);
    }
    auto squatted = sync_claiming(organizer, real, copied);
    ASSERT_TRUE(squatted) << squatted.error().describe();

    auto coordinator = FieldDevice::create(tmp / "desk");
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    ASSERT_TRUE(sync_media(coordinator, 0));
    coordinator::DeviceStoreSource source(coordinator.store);
    auto dataset = coordinator::load_dataset(source, coordinator_key, "stalls");
    ASSERT_TRUE(dataset);
    ASSERT_EQ(dataset->records.size(), 1u) << "the collector's record, relayed by the organizer";
    auto form = coordinator.store.form("stalls");
    auto early = exporting::write_media(coordinator.store, **form, *dataset, tmp / "early");
    ASSERT_TRUE(early);
    EXPECT_EQ(early->written, 0u)
        << "the organizer's copy is not opened for the collector's record";
    EXPECT_EQ(early->missing, 1u);

    ASSERT_TRUE(sync_media(collector, 0));
    ASSERT_TRUE(sync_media(coordinator, 0));
    expect_exported(coordinator, photos, tmp / "export");
}

}  // namespace
}  // namespace canvass::server_test
