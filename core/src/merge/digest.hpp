// State digests: two replicas holding the same changesets have the same digests, whether
// they can read the answers (a coordinator) or not (the server). Values are never hashed.
#pragma once

#include "crypto/hash.hpp"
#include "merge/ids.hpp"
#include "merge/record_state.hpp"

namespace canvass::merge {

// BLAKE2b-256 of the record's metadata-only state: the merged changesets (device, seq),
// the latest project, form and version, the live op ids and kinds per path, the covered
// ops of live deletes, the delete status of every path holding deletes or keeps, and the
// instances with their order keys (schemas/protocol/changeset.md, "Digest").
Hash record_digest(const RecordState& state);

// The digest of a whole store: the XOR of BLAKE2b-256(record id || record digest) over its
// records. XOR is order-independent and updatable one record at a time: replace() a
// record's old digest by its new one after each merge. The empty store is all zeros.
// It detects divergence between honest replicas; it is not an authenticator.
class StoreDigest {
  public:
    void add(const RecordId& record, const Hash& digest) { toggle(record, digest); }
    void remove(const RecordId& record, const Hash& digest) { toggle(record, digest); }
    void replace(const RecordId& record, const Hash& old_digest, const Hash& new_digest) {
        toggle(record, old_digest);
        toggle(record, new_digest);
    }
    const Hash& value() const { return value_; }
    friend bool operator==(const StoreDigest&, const StoreDigest&) = default;

  private:
    void toggle(const RecordId& record, const Hash& digest);
    Hash value_{};
};

}  // namespace canvass::merge
