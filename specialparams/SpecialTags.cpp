// {EP_DATA} and {UPLOAD_DOC_IDS} (see SpecialTags.h).
#include "specialparams/SpecialTags.h"

#include "specialparams/CopyDocs.h"

#include <stdexcept>
#include <string>

namespace dpp::specialparams {

void registerSpecialTags(mapping::TagVocabulary& vocabulary) {
    vocabulary.add(std::string(kEpDataTag), kEpDataTagId);
    vocabulary.add(std::string(kUploadDocIdsTag), kUploadDocIdsTagId);
}

void ExtrasByContactId::setPlan(std::int64_t contactId, const EnrollmentPlan& plan) {
    byContact_[contactId].planData = renderPlanData(plan);
}

void ExtrasByContactId::setPlanData(std::int64_t contactId, std::string document) {
    byContact_[contactId].planData = std::move(document);
}

void ExtrasByContactId::setDocumentIds(std::int64_t contactId,
                                       std::vector<std::int64_t> documentIds) {
    byContact_[contactId].documentIds = std::move(documentIds);
}

std::string_view ExtrasByContactId::planData(const mapping::Contact& contact) const {
    const auto it = byContact_.find(contact.id);
    if (it == byContact_.end())
        return {};
    return it->second.planData;
}

std::span<const std::int64_t>
ExtrasByContactId::documentIds(const mapping::Contact& contact) const {
    const auto it = byContact_.find(contact.id);
    if (it == byContact_.end())
        return {};
    return it->second.documentIds;
}

void SpecialTagRenderer::appendExtension(std::uint32_t id, const mapping::Contact& contact,
                                         std::string& out) const {
    switch (id) {
    case kEpDataTagId:
        out += extras_.planData(contact);
        return;
    case kUploadDocIdsTagId:
        appendDocumentIds(extras_.documentIds(contact), out);
        return;
    default:
        throw std::logic_error("merge tag id " + std::to_string(id) +
                               " is not one of the special tags");
    }
}

} // namespace dpp::specialparams
