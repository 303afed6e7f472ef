#pragma once
// The special merge tags {EP_DATA} and {UPLOAD_DOC_IDS}: their fixed ids in a
// mapping::TagVocabulary and the ExtensionRenderer that expands them for a contact.
//
// The renderer does not own or load anything: it asks a ContactExtras, which the caller
// provides (bridge/ loads the plan and the document ids from the store; tests fill an
// ExtrasByContactId). Rendering appends to the output and allocates nothing else.
// Thread-safety: SpecialTagRenderer is as thread-safe as the ContactExtras it reads;
// ExtrasByContactId is safe to read from many threads once filled. The renderer throws
// std::logic_error for an id it does not own (a vocabulary/renderer mismatch is a bug).
#include "mapping/Template.h"
#include "specialparams/EnrollmentPlan.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dpp::specialparams {

inline constexpr std::string_view kEpDataTag = "EP_DATA";
inline constexpr std::string_view kUploadDocIdsTag = "UPLOAD_DOC_IDS";
// Ids 1..15 are reserved for specialparams; budget tags use their own range (BudgetTags.h).
inline constexpr std::uint32_t kEpDataTagId = 1;
inline constexpr std::uint32_t kUploadDocIdsTagId = 2;
inline constexpr std::uint32_t kFirstSpecialTagId = 1;
inline constexpr std::uint32_t kLastSpecialTagId = 15;

inline bool isSpecialTagId(std::uint32_t id) {
    return id >= kFirstSpecialTagId && id <= kLastSpecialTagId;
}

// Adds EP_DATA and UPLOAD_DOC_IDS with the ids above.
void registerSpecialTags(mapping::TagVocabulary& vocabulary);

// What a contact has beyond its fields, as far as the special tags need it. The views and
// spans returned must stay valid while the template renders.
class ContactExtras {
public:
    virtual ~ContactExtras() = default;
    // The contact's plan as its {EP_DATA} document (what renderPlanData writes), "" for none.
    virtual std::string_view planData(const mapping::Contact& contact) const = 0;
    virtual std::span<const std::int64_t> documentIds(const mapping::Contact& contact) const = 0;
};

// ContactExtras kept in memory by contact id: one contact before a single execute, a batch of
// contacts before a mass post, or a test. A contact it does not know has no plan, no documents.
class ExtrasByContactId : public ContactExtras {
public:
    // Renders the plan's document once, here.
    void setPlan(std::int64_t contactId, const EnrollmentPlan& plan);
    // A document exactly as renderPlanData wrote it (the store keeps plans so): kept as it is,
    // neither parsed nor written again. "" is no plan.
    void setPlanData(std::int64_t contactId, std::string document);
    void setDocumentIds(std::int64_t contactId, std::vector<std::int64_t> documentIds);

    std::string_view planData(const mapping::Contact& contact) const override;
    std::span<const std::int64_t> documentIds(const mapping::Contact& contact) const override;

private:
    struct Extras {
        std::string planData;
        std::vector<std::int64_t> documentIds;
    };
    std::unordered_map<std::int64_t, Extras> byContact_;
};

class SpecialTagRenderer : public mapping::ExtensionRenderer {
public:
    explicit SpecialTagRenderer(const ContactExtras& extras) : extras_(extras) {}

    // {EP_DATA}: the plan document, or nothing when the contact has no plan.
    // {UPLOAD_DOC_IDS}: "12,13,20", or nothing when the contact has no documents.
    void appendExtension(std::uint32_t id, const mapping::Contact& contact,
                         std::string& out) const override;

private:
    const ContactExtras& extras_;
};

} // namespace dpp::specialparams
