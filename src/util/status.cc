#include "doppel/status.h"

namespace doppel {

Status BadInput(std::string message) { return Status(StatusCode::kBadInput, std::move(message)); }
Status IoError(std::string message) { return Status(StatusCode::kIoError, std::move(message)); }
Status InvalidArgument(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

}  // namespace doppel
