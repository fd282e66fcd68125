// What the server side of the protocol needs from the server's store besides changesets:
// enrolled devices, enrollment tokens, projects and forms. sync-server implements it on its
// ServerStore; the protocol tests implement it in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/secret.hpp"
#include "crypto/sign.hpp"
#include "merge/ids.hpp"
#include "store/recipients.hpp"
#include "sync/media_exchange.hpp"
#include "sync/messages.hpp"
#include "sync/replica.hpp"
#include "sync/role.hpp"
#include "sync/token.hpp"
#include "sync/verify.hpp"

namespace canvass::sync {

struct DeviceRecord {
    merge::DeviceId id{};
    std::string project;
    Role role = Role::collector;
    crypto::SigningPublicKey signing_key{};
    crypto::DhPublicKey transport_key{};
    std::uint64_t enrolled_unix = 0;
    bool revoked = false;
    // The administrator's name for the device, from its token (`token create --label`); may be
    // empty. Never contains control characters, quotes or backslashes.
    std::string label;
    std::uint64_t last_seen_unix = 0;  // its last authenticated sync; 0 for never
};

struct TokenRecord {
    TokenId id{};
    crypto::SecretBytes secret;  // the PSK
    std::string project;
    Role role = Role::collector;
    std::uint64_t expires_unix = 0;
    bool used = false;
    std::string label;  // given to the device it enrolls
};

struct ProjectInfo {
    std::string name;
    std::vector<store::RecipientStatement>
        recipients;  // genesis first; never verified by the server's word
    std::vector<FormRef> forms;
};

class ServerDirectory {
  public:
    virtual ~ServerDirectory() = default;

    // The device that authenticates with this Noise static key, if enrolled (revoked ones too).
    virtual Result<std::optional<DeviceRecord>> device_by_transport_key(
        const crypto::DhPublicKey& key) = 0;
    virtual Result<std::optional<DeviceRecord>> device(const merge::DeviceId& id) = 0;
    // Notes that `device` authenticated now (its last-seen time). One small write per sync;
    // a failure is logged by the caller and does not stop the sync.
    virtual Result<void> device_seen(const merge::DeviceId& id, std::uint64_t now_unix) = 0;
    virtual Result<std::optional<TokenRecord>> token(const TokenId& id) = 0;
    // Registers `device` and marks the token used, in one transaction. Fails with
    // Error{auth, already_exists} if the token was used meanwhile, Error{auth,
    // permission_denied} if the device id or transport key is already enrolled; nothing
    // changes then.
    virtual Result<void> enroll_device(const TokenId& token, const DeviceRecord& device) = 0;
    virtual Result<ProjectInfo> project(const std::string& name) = 0;
    // A published form's JSON text; nullopt if that version does not exist.
    virtual Result<std::optional<std::string>> form_body(const std::string& project,
                                                         const std::string& id,
                                                         const std::string& version) = 0;
    // The changesets of a project. The reference stays valid while the directory lives.
    virtual Result<Replica*> replica(const std::string& project) = 0;
    // Keeps the note that `change`, delivered by device `delivered_by`, was refused: its
    // author is flagged (stats, devices). In a transaction of its own: nothing of the refused
    // batch is stored.
    virtual Result<void> flag_unauthorized(const std::string& project,
                                           const UnauthorizedChange& change,
                                           const merge::DeviceId& delivered_by) = 0;
    // Where attachments are kept; nullptr when this server carries none (it then states no
    // media caps and devices keep their attachments).
    virtual MediaVault* media_vault() { return nullptr; }
};

}  // namespace canvass::sync
