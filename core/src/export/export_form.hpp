// export_form (canvass/export.hpp) over a store and the key itself, for the desk, which holds
// both.
#pragma once

#include "canvass/export.hpp"
#include "crypto/box.hpp"
#include "store/device_store.hpp"

namespace canvass::exporting {

Result<ExportSummary> export_form(store::DeviceStore& store, const crypto::DhKeyPair& key,
                                  const ExportRequest& request);

}  // namespace canvass::exporting
