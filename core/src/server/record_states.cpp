#include "server/record_states.hpp"

#include "merge/codec.hpp"
#include "merge/digest.hpp"

namespace canvass::server {

Result<MergedRecord> merged_record(RecordStateStore& store, std::int64_t project,
                                   const merge::RecordId& record) {
    MergedRecord out{merge::RecordState(record), std::nullopt};
    CANVASS_TRY(auto stored, store.stored(project, record));
    if (stored) {
        CANVASS_TRY(auto s, merge::RecordState::deserialize(stored->state));
        out.state = std::move(s);
        out.stored_digest = stored->digest;
    }
    CANVASS_TRY_VOID(store.each_changeset(project, record,
                                          [&](const merge::DeviceId& device, std::uint64_t seq,
                                              const RecordStateStore::Bytes& body) -> Result<void> {
                                              if (out.state.has_changeset(device, seq)) return {};
                                              CANVASS_TRY(auto cs, merge::decode(body));
                                              CANVASS_TRY_VOID(out.state.apply(cs.header));
                                              return {};
                                          }));
    return out;
}

Result<void> each_record(RecordStateStore& store, std::int64_t project, bool with_state,
                         const std::function<Result<void>(const RecordView&)>& visit) {
    CANVASS_TRY_VOID(store.each_clean(
        project, with_state, [&](const RecordStateStore::Stored& s) -> Result<void> {
            RecordView view{s.record, s.digest, nullptr};
            std::optional<merge::RecordState> state;
            if (with_state) {
                CANVASS_TRY(auto decoded, merge::RecordState::deserialize(s.state));
                state.emplace(std::move(decoded));
                view.state = &*state;
            }
            return visit(view);
        }));
    CANVASS_TRY(auto dirty, store.dirty(project, std::nullopt));
    for (const auto& d : dirty) {
        CANVASS_TRY(auto merged, merged_record(store, project, d.record));
        RecordView view{d.record, merge::record_digest(merged.state), &merged.state};
        CANVASS_TRY_VOID(visit(view));
    }
    return {};
}

Result<ProjectDigest> project_digest(RecordStateStore& store, std::int64_t project) {
    ProjectDigest out;
    merge::StoreDigest digest;
    CANVASS_TRY_VOID(each_record(store, project, false, [&](const RecordView& r) -> Result<void> {
        digest.add(r.record, r.digest);
        ++out.records;
        return {};
    }));
    out.digest = digest.value();
    return out;
}

Result<RecordCensus> record_census(RecordStateStore& store, std::int64_t project) {
    RecordCensus out;
    CANVASS_TRY_VOID(each_record(store, project, true, [&](const RecordView& r) -> Result<void> {
        ++out.records;
        const auto& meta = r.state->meta();
        ++out.by_form_version[{meta.form_id, meta.form_version}];
        for (const auto& d : r.state->devices()) ++out.by_device[d];
        return {};
    }));
    return out;
}

Result<std::size_t> refresh_record_states(RecordStateStore& store, std::int64_t project,
                                          std::size_t max_records) {
    CANVASS_TRY(auto dirty, store.dirty(project, max_records));
    for (const auto& d : dirty) {
        CANVASS_TRY(auto merged, merged_record(store, project, d.record));
        CANVASS_TRY_VOID(
            store.save(project, d, merged.state.serialize(), merge::record_digest(merged.state)));
    }
    return dirty.size();
}

}  // namespace canvass::server
