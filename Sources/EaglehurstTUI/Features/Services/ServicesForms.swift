import EaglehurstAPI
import Foundation

/// The services screen's forms. Field names are the wire names, so a 422's `errors` find their field.
enum ServiceForms {
    static let typeOptions = ServiceType.allCases.map(\.rawValue)
    static let urgencyOptions = Components.Schemas.ServiceUrgency.allCases.map(\.rawValue)
    static let documentTypeOptions = Components.Schemas.ServiceDocumentType.allCases.map(\.rawValue)
    /// The provider field's first option: the desk chooses.
    static let anyProvider = "the desk chooses"

    /// A new request from a template: its kind and its suggested text, ready to edit.
    static func request(_ template: ServiceTemplate, about listingTitle: String?, providers: [ServiceProvider]?) -> Form {
        let title = listingTitle.map { "\(template.templateName): \($0)" } ?? template.templateName
        var form = Form([
            FormField("service_type", "Kind", .choice(options: typeOptions), choice: typeOptions.firstIndex(of: template.serviceType.rawValue) ?? 0, hint: "←/→ to choose"),
            FormField("title", "Title", .text(required: true, maxLength: 200), text: String(title.prefix(200)), hint: "5 to 200 characters"),
            FormField("description", "Description", .longText(minLength: 10, maxLength: 10_000), text: template.content, hint: "F4 opens an editor; say what you need"),
            FormField("urgency", "Urgency", .choice(options: urgencyOptions), choice: urgencyOptions.firstIndex(of: "normal") ?? 0, hint: "←/→ to choose"),
            FormField("provider_id", "Provider", .choice(options: [anyProvider]), hint: providers == nil ? "loading the providers…" : "←/→: a preferred firm, or let the desk choose"),
        ])
        // The kind comes from the template: the title is what to look at first.
        form.focus = 1
        return providers.map { withProviders(form, $0) } ?? form
    }

    /// The provider field offers the firms that do this kind of work, best rated first.
    static func withProviders(_ form: Form, _ providers: [ServiceProvider]) -> Form {
        var form = form
        let names = [anyProvider] + providers.map(providerChoice)
        let previous = form["provider_id"].value
        form["provider_id"] = FormField(
            "provider_id", "Provider", .choice(options: names), choice: names.firstIndex(of: previous) ?? 0,
            hint: providers.isEmpty ? "no firm offers this yet: the desk chooses" : "←/→: a preferred firm, or let the desk choose")
        return form
    }

    static func providerChoice(_ provider: ServiceProvider) -> String {
        provider.companyName + (provider.rating.map { String(format: " ★%.1f", $0) } ?? "")
    }

    /// A document to attach; the desk also says whether it comes from the provider.
    static func upload(desk: Bool) -> Form {
        var fields = [
            FormField("file", "File", .filePath, hint: "path of a PDF, PNG, JPEG, .docx or .xlsx file, at most 10 MB"),
            FormField("document_type", "Kind", .choice(options: documentTypeOptions),
                      choice: documentTypeOptions.firstIndex(of: desk ? "valuation_report" : "accounts") ?? 0, hint: "←/→ to choose"),
        ]
        if desk {
            fields.append(FormField("sender_type", "From", .choice(options: ["provider", "admin"]), hint: "provider: their report; admin: the desk's own"))
        }
        return Form(fields)
    }
}
