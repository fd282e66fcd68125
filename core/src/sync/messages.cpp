#include "sync/messages.hpp"

#include "sync/cbor.hpp"
#include "sync/cbor_fields.hpp"

namespace canvass::sync {
namespace {

using detail::binary;
using detail::Fields;
using json = nlohmann::json;

constexpr std::string_view kErrorNames[] = {
    "protocol",    "unknown_device", "revoked",   "forbidden", "invalid_token",
    "token_used",  "token_expired",  "bad_batch", "limit",     "not_found",
    "unavailable", "internal",       "disk_full"};

std::string at(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

// ---- encoding -------------------------------------------------------------------------

json encode_tip(const ChainTip& t) {
    return {{"device", binary(t.device)},
            {"seq", t.seq},
            {"hash", binary(t.hash)},
            {"grants", t.grants}};
}

json encode_run(const ChainRun& r) {
    json changesets = json::array(), grants = json::array();
    for (const auto& c : r.changesets) changesets.push_back(binary(c));
    for (const auto& g : r.grants) grants.push_back(binary(g));
    return {
        {"device", binary(r.device)},
        {"key", binary(r.key)},
        {"changesets", std::move(changesets)},
        {"head",
         {{"seq", r.head.seq}, {"hash", binary(r.head.hash)}, {"sig", binary(r.head.signature)}}},
        {"grants", std::move(grants)}};
}

json encode_limits(const SyncLimits& l) {
    return {{"batch_changesets", l.batch_changesets},
            {"batch_bytes", l.batch_bytes},
            {"window", l.window}};
}

struct Encoder {
    json operator()(const Hello& m) const {
        json j = {{"t", "hello"}, {"agent", m.agent}};
        if (m.media) j["media"] = m.media;
        return j;
    }
    json operator()(const Welcome& m) const {
        json j = welcome(m);
        if (m.media)
            j["media"] = {{"file_bytes", m.media->file_bytes},
                          {"device_bytes", m.media->device_bytes}};
        return j;
    }
    json welcome(const Welcome& m) const {
        json statements = json::array(), forms = json::array();
        for (const auto& r : m.recipients) statements.push_back(binary(store::encode_statement(r)));
        for (const auto& f : m.forms)
            forms.push_back({{"id", f.id}, {"version", f.version}, {"hash", binary(f.hash)}});
        json out{{"t", "welcome"},
                 {"project", m.project},
                 {"role", role_name(m.role)},
                 {"device", binary(m.device)},
                 {"time", m.server_time_ms},
                 {"recipients", std::move(statements)},
                 {"forms", std::move(forms)},
                 {"limits", encode_limits(m.limits)}};
        if (!m.label.empty()) out["label"] = m.label;
        return out;
    }
    json operator()(const Summary& m) const {
        json chains = json::array();
        for (const auto& t : m.chains) chains.push_back(encode_tip(t));
        return {{"t", "summary"}, {"chains", std::move(chains)}};
    }
    json operator()(const Changesets& m) const {
        json runs = json::array();
        for (const auto& r : m.runs) runs.push_back(encode_run(r));
        return {{"t", "changesets"}, {"batch", m.batch}, {"runs", std::move(runs)}};
    }
    json operator()(const Ack& m) const {
        json durable = json::array();
        for (const auto& d : m.durable)
            durable.push_back({{"device", binary(d.device)}, {"seq", d.seq}});
        json j = {{"t", "ack"}, {"batch", m.batch}, {"durable", std::move(durable)}};
        if (!m.refused.empty()) {
            json refused = json::array();
            for (const auto& r : m.refused)
                refused.push_back({{"device", binary(r.device)},
                                   {"seq", r.seq},
                                   {"code", error_code_name(r.code)},
                                   {"message", r.message}});
            j["refused"] = std::move(refused);
        }
        return j;
    }
    json operator()(const FormMessage& m) const {
        json j = {{"t", "form"}, {"id", m.id}, {"version", m.version}};
        if (m.body) j["body"] = *m.body;
        return j;
    }
    json operator()(const ErrorMessage& m) const {
        return {{"t", "error"}, {"code", error_code_name(m.code)}, {"message", m.message}};
    }
    json operator()(const Bye&) const { return {{"t", "bye"}}; }
    static json items(const std::vector<MediaItem>& list) {
        json out = json::array();
        for (const auto& i : list)
            out.push_back({{"id", binary(i.id)},
                           {"size", i.size},
                           {"chunks", i.chunks},
                           {"author", binary(i.author)},
                           {"root", binary(i.root)},
                           {"sig", binary(i.signature)}});
        return out;
    }
    json operator()(const MediaOffer& m) const {
        return {{"t", "media_offer"}, {"items", items(m.items)}};
    }
    json operator()(const MediaNeed& m) const { return {{"t", "media_need"}, {"held", m.held}}; }
    json operator()(const MediaChunk& m) const {
        json j = {{"t", "media_chunk"},
                  {"id", binary(m.id)},
                  {"index", m.index},
                  {"data", binary(m.data)}};
        if (m.author) j["author"] = binary(*m.author);
        return j;
    }
    json operator()(const MediaAck& m) const {
        return {{"t", "media_ack"}, {"id", binary(m.id)}, {"index", m.index}};
    }
    json operator()(const MediaList& m) const {
        json j = {{"t", "media_list"}};
        if (m.items) j["items"] = items(*m.items);
        return j;
    }
    json operator()(const MediaGet& m) const {
        json j = {{"t", "media_get"}, {"id", binary(m.id)}, {"index", m.index}};
        if (m.author) j["author"] = binary(*m.author);
        return j;
    }
};

// ---- decoding -------------------------------------------------------------------------

Result<ChainTip> decode_tip(const json& j, const std::string& path) {
    Fields f(j, path);
    ChainTip t;
    CANVASS_TRY(t.device, f.fixed<16>("device"));
    CANVASS_TRY(t.seq, f.u64("seq"));
    CANVASS_TRY(t.hash, f.fixed<32>("hash"));
    if (f.has("grants")) {  // absent from older peers: 0
        CANVASS_TRY(t.grants, f.u64("grants"));
    }
    CANVASS_TRY_VOID(f.done());
    return t;
}

Result<std::vector<Bytes>> decode_blobs(const json& list, const std::string& path,
                                        std::size_t max_bytes) {
    std::vector<Bytes> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_binary() || list[i].get_binary().size() > max_bytes)
            return unexpected(Domain::protocol, errc::corrupt,
                              at(path, i) + ": expected a byte string of at most " +
                                  std::to_string(max_bytes) + " bytes");
        const auto& b = list[i].get_binary();
        out.emplace_back(b.begin(), b.end());
    }
    return out;
}

Result<ChainRun> decode_run(const json& j, const std::string& path, const MessageLimits& lim) {
    Fields f(j, path);
    ChainRun r;
    CANVASS_TRY(r.device, f.fixed<16>("device"));
    CANVASS_TRY(r.key, f.fixed<32>("key"));
    CANVASS_TRY(const json* changesets, f.array("changesets", lim.max_batch_changesets));
    CANVASS_TRY(r.changesets,
                decode_blobs(*changesets, f.path("changesets"), lim.max_changeset_bytes));
    if (r.changesets.empty()) return f.bad("changesets", "a run holds at least one changeset");
    CANVASS_TRY(const json* grants, f.array("grants", lim.max_batch_changesets));
    CANVASS_TRY(r.grants, decode_blobs(*grants, f.path("grants"), 1024));
    CANVASS_TRY(const json* head, f.map("head"));
    Fields h(*head, f.path("head"));
    CANVASS_TRY(r.head.seq, h.u64("seq"));
    CANVASS_TRY(r.head.hash, h.fixed<32>("hash"));
    CANVASS_TRY(r.head.signature, h.fixed<64>("sig"));
    CANVASS_TRY_VOID(h.done());
    CANVASS_TRY_VOID(f.done());
    return r;
}

Result<SyncLimits> decode_limits(const json& j, const std::string& path) {
    Fields f(j, path);
    SyncLimits l;
    CANVASS_TRY(auto changesets, f.u64("batch_changesets"));
    CANVASS_TRY(auto bytes, f.u64("batch_bytes"));
    CANVASS_TRY(auto window, f.u64("window"));
    CANVASS_TRY_VOID(f.done());
    if (changesets == 0 || changesets > 1u << 20 || bytes == 0 || bytes > 1u << 30 || window == 0 ||
        window > 1024)
        return unexpected(Domain::protocol, errc::corrupt, path + ": out of range");
    l.batch_changesets = static_cast<std::uint32_t>(changesets);
    l.batch_bytes = static_cast<std::uint32_t>(bytes);
    l.window = static_cast<std::uint32_t>(window);
    return l;
}

Result<Message> decode_welcome(Fields& f, const MessageLimits& lim) {
    Welcome m;
    CANVASS_TRY(m.project, f.text("project", lim.max_text));
    CANVASS_TRY(auto role, f.text("role", lim.max_text));
    auto parsed = parse_role(role);
    if (!parsed) return f.bad("role", "unknown role \"" + role + "\"");
    m.role = *parsed;
    CANVASS_TRY(m.device, f.fixed<16>("device"));
    if (f.has("label")) {  // absent from older servers
        CANVASS_TRY(m.label, f.text("label", lim.max_text));
    }
    CANVASS_TRY(m.server_time_ms, f.u64("time"));
    CANVASS_TRY(const json* statements, f.array("recipients", lim.max_recipient_statements));
    for (std::size_t i = 0; i < statements->size(); ++i) {
        const json& r = (*statements)[i];
        if (!r.is_binary())
            return f.bad(at("recipients", i), "expected a recipient statement (bytes)");
        auto statement = store::decode_statement(r.get_binary());
        if (!statement) return f.bad(at("recipients", i), statement.error().message);
        m.recipients.push_back(std::move(statement).value());
    }
    CANVASS_TRY(const json* forms, f.array("forms", lim.max_forms));
    for (std::size_t i = 0; i < forms->size(); ++i) {
        Fields ff((*forms)[i], at(f.path("forms"), i));
        FormRef ref;
        CANVASS_TRY(ref.id, ff.text("id", lim.max_text));
        CANVASS_TRY(ref.version, ff.text("version", lim.max_text));
        CANVASS_TRY(ref.hash, ff.fixed<32>("hash"));
        CANVASS_TRY_VOID(ff.done());
        m.forms.push_back(std::move(ref));
    }
    CANVASS_TRY(const json* limits, f.map("limits"));
    CANVASS_TRY(m.limits, decode_limits(*limits, f.path("limits")));
    if (f.has("media")) {
        CANVASS_TRY(const json* media, f.map("media"));
        Fields mf(*media, f.path("media"));
        MediaCaps caps;
        CANVASS_TRY(caps.file_bytes, mf.u64("file_bytes"));
        CANVASS_TRY(caps.device_bytes, mf.u64("device_bytes"));
        CANVASS_TRY_VOID(mf.done());
        m.media = caps;
    }
    return Message{std::move(m)};
}

// The most chunks one attachment may have: a 1 TiB file at 63 KiB a chunk.
constexpr std::uint64_t kMaxMediaChunks = (1ull << 40) / (63 * 1024);

Result<std::vector<MediaItem>> decode_items(Fields& f, const MessageLimits& lim) {
    CANVASS_TRY(const json* list, f.array("items", lim.max_media_items));
    std::vector<MediaItem> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        Fields it((*list)[i], at(f.path("items"), i));
        MediaItem item;
        CANVASS_TRY(item.id, it.fixed<32>("id"));
        CANVASS_TRY(item.size, it.u64("size"));
        CANVASS_TRY(item.chunks, it.u64("chunks"));
        CANVASS_TRY(item.author, it.fixed<16>("author"));
        CANVASS_TRY(item.root, it.fixed<32>("root"));
        CANVASS_TRY(item.signature, it.fixed<64>("sig"));
        CANVASS_TRY_VOID(it.done());
        if (item.chunks == 0 || item.chunks > kMaxMediaChunks)
            return it.bad("chunks", "out of range");
        out.push_back(item);
    }
    return out;
}

Result<Message> decode_media(const std::string& type, Fields& f, const MessageLimits& lim) {
    if (type == "media_offer") {
        MediaOffer m;
        CANVASS_TRY(m.items, decode_items(f, lim));
        return Message{std::move(m)};
    }
    if (type == "media_need") {
        MediaNeed m;
        CANVASS_TRY(const json* held, f.array("held", lim.max_media_items));
        for (std::size_t i = 0; i < held->size(); ++i) {
            if (!(*held)[i].is_number_unsigned())
                return f.bad(at("held", i), "expected an unsigned integer");
            m.held.push_back((*held)[i].get<std::uint64_t>());
        }
        return Message{std::move(m)};
    }
    // The author a device names beside an id (media version 2), absent in version 1.
    auto author = [&f]() -> Result<std::optional<merge::DeviceId>> {
        if (!f.has("author")) return std::optional<merge::DeviceId>();
        CANVASS_TRY(auto a, f.fixed<16>("author"));
        return std::optional<merge::DeviceId>(a);
    };
    if (type == "media_chunk") {
        MediaChunk m;
        CANVASS_TRY(m.id, f.fixed<32>("id"));
        CANVASS_TRY(m.index, f.u64("index"));
        CANVASS_TRY(m.data, f.bytes("data", 64 * 1024));
        CANVASS_TRY(m.author, author());
        return Message{std::move(m)};
    }
    if (type == "media_ack" || type == "media_get") {
        crypto::Hash id{};
        CANVASS_TRY(id, f.fixed<32>("id"));
        CANVASS_TRY(auto index, f.u64("index"));
        if (type == "media_ack") return Message{MediaAck{.id = id, .index = index}};
        MediaGet m{.id = id, .index = index, .author = std::nullopt};
        CANVASS_TRY(m.author, author());
        return Message{std::move(m)};
    }
    MediaList m;  // media_list
    if (f.has("items")) {
        CANVASS_TRY(auto items, decode_items(f, lim));
        m.items = std::move(items);
    }
    return Message{std::move(m)};
}

Result<Message> decode_summary(Fields& f, const MessageLimits& lim) {
    Summary m;
    CANVASS_TRY(const json* chains, f.array("chains", lim.max_chains));
    m.chains.reserve(chains->size());
    for (std::size_t i = 0; i < chains->size(); ++i) {
        CANVASS_TRY(auto tip, decode_tip((*chains)[i], at(f.path("chains"), i)));
        m.chains.push_back(tip);
    }
    return Message{std::move(m)};
}

Result<Message> decode_changesets(Fields& f, const MessageLimits& lim) {
    Changesets m;
    CANVASS_TRY(m.batch, f.u64("batch"));
    CANVASS_TRY(const json* runs, f.array("runs", lim.max_batch_changesets));
    std::size_t count = 0, bytes = 0;
    for (std::size_t i = 0; i < runs->size(); ++i) {
        CANVASS_TRY(auto run, decode_run((*runs)[i], at(f.path("runs"), i), lim));
        count += run.changesets.size();
        bytes += run_bytes(run);
        m.runs.push_back(std::move(run));
    }
    if (count > lim.max_batch_changesets)
        return unexpected(Domain::protocol, errc::limit_exceeded,
                          "changesets: batch holds more than " +
                              std::to_string(lim.max_batch_changesets) + " changesets");
    if (bytes > lim.max_batch_bytes)
        return unexpected(
            Domain::protocol, errc::limit_exceeded,
            "changesets: batch larger than " + std::to_string(lim.max_batch_bytes) + " bytes");
    return Message{std::move(m)};
}

Result<Message> decode_ack(Fields& f, const MessageLimits& lim) {
    Ack m;
    CANVASS_TRY(m.batch, f.u64("batch"));
    CANVASS_TRY(const json* durable, f.array("durable", lim.max_batch_changesets));
    for (std::size_t i = 0; i < durable->size(); ++i) {
        Fields d((*durable)[i], at(f.path("durable"), i));
        DurableTip t;
        CANVASS_TRY(t.device, d.fixed<16>("device"));
        CANVASS_TRY(t.seq, d.u64("seq"));
        CANVASS_TRY_VOID(d.done());
        m.durable.push_back(t);
    }
    if (f.has("refused")) {
        CANVASS_TRY(const json* refused, f.array("refused", lim.max_batch_changesets));
        for (std::size_t i = 0; i < refused->size(); ++i) {
            Fields r((*refused)[i], at(f.path("refused"), i));
            RefusedTip t;
            CANVASS_TRY(t.device, r.fixed<16>("device"));
            CANVASS_TRY(t.seq, r.u64("seq"));
            CANVASS_TRY(auto code, r.text("code", lim.max_text));
            t.code = parse_error_code(code).value_or(ErrorCode::protocol);
            CANVASS_TRY(t.message, r.text("message", lim.max_text));
            CANVASS_TRY_VOID(r.done());
            m.refused.push_back(std::move(t));
        }
    }
    return Message{std::move(m)};
}

Result<Message> decode_form(Fields& f, const MessageLimits& lim) {
    FormMessage m;
    CANVASS_TRY(m.id, f.text("id", lim.max_text));
    CANVASS_TRY(m.version, f.text("version", lim.max_text));
    if (f.has("body")) {
        CANVASS_TRY(auto body, f.text("body", lim.max_form_bytes));
        m.body = std::move(body);
    }
    return Message{std::move(m)};
}

Result<Message> decode_error(Fields& f, const MessageLimits& lim) {
    ErrorMessage m;
    CANVASS_TRY(auto code, f.text("code", lim.max_text));
    // An error code this version does not know is still an error: keep its text.
    m.code = parse_error_code(code).value_or(ErrorCode::protocol);
    CANVASS_TRY(m.message, f.text("message", lim.max_text));
    return Message{std::move(m)};
}

Result<Message> decode_body(const std::string& type, Fields& f, const MessageLimits& lim) {
    if (type == "hello") {
        Hello m;
        CANVASS_TRY(m.agent, f.text("agent", lim.max_text));
        if (f.has("media")) {
            CANVASS_TRY(auto media, f.u64("media"));
            if (media < 1 || media > media_version) return f.bad("media", "expected 1 or 2");
            m.media = static_cast<std::uint32_t>(media);
        }
        return Message{std::move(m)};
    }
    if (type == "welcome") return decode_welcome(f, lim);
    if (type == "summary") return decode_summary(f, lim);
    if (type == "changesets") return decode_changesets(f, lim);
    if (type == "ack") return decode_ack(f, lim);
    if (type == "form") return decode_form(f, lim);
    if (type == "error") return decode_error(f, lim);
    if (type == "bye") return Message{Bye{}};
    if (type == "media_offer" || type == "media_need" || type == "media_chunk" ||
        type == "media_ack" || type == "media_list" || type == "media_get")
        return decode_media(type, f, lim);
    return unexpected(Domain::protocol, errc::unsupported, "unknown message type \"" + type + "\"");
}

}  // namespace

std::string peer_text(const std::string& why) {
    constexpr std::size_t max_bytes = 512;
    if (why.size() <= max_bytes) return why;
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(why[n]) & 0xc0) == 0x80) --n;
    return why.substr(0, n) + "...";
}

std::string_view error_code_name(ErrorCode code) {
    auto i = static_cast<std::size_t>(code);
    return i < std::size(kErrorNames) ? kErrorNames[i] : "internal";
}

std::optional<ErrorCode> parse_error_code(std::string_view name) {
    for (std::size_t i = 0; i < std::size(kErrorNames); ++i)
        if (kErrorNames[i] == name) return static_cast<ErrorCode>(i);
    return std::nullopt;
}

std::string_view message_name(const Message& m) {
    constexpr std::string_view names[] = {"hello",       "welcome",    "summary",     "changesets",
                                          "ack",         "form",       "error",       "bye",
                                          "media_offer", "media_need", "media_chunk", "media_ack",
                                          "media_list",  "media_get"};
    return names[m.index()];
}

std::size_t run_bytes(const ChainRun& run) {
    std::size_t n = 0;
    for (const auto& c : run.changesets) n += c.size();
    return n;
}

Bytes encode_message(const Message& m) {
    return json::to_cbor(std::visit(Encoder{}, m));
}

Result<Message> decode_message(std::span<const std::uint8_t> bytes, const MessageLimits& limits) {
    if (bytes.size() > limits.max_message_bytes)
        return unexpected(
            Domain::protocol, errc::limit_exceeded,
            "message larger than " + std::to_string(limits.max_message_bytes) + " bytes");
    CborLimits cbor;
    cbor.max_items = std::max<std::size_t>(limits.max_chains, limits.max_batch_changesets);
    CANVASS_TRY(json j, parse_cbor(bytes, cbor));
    Fields f(j, "message");
    if (!f.is_map()) return unexpected(Domain::protocol, errc::corrupt, "message: expected a map");
    CANVASS_TRY(std::string type, f.text("t", 32));
    Fields body(j, type);
    body.skip("t");
    CANVASS_TRY(Message m, decode_body(type, body, limits));
    CANVASS_TRY_VOID(body.done());
    return m;
}

}  // namespace canvass::sync
