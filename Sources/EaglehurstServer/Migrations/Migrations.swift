import Fluent
import Vapor

/// The append-only list of migrations, in the order they run.
enum Migrations {
    static let all: [any AsyncMigration] = [
        CreateUsers(),
        AddUserVerification(),
        CreateSellers(),
        CreateBuyers(),
        CreateEmailVerifications(),
        CreatePasswordResets(),
        CreateAuthSessions(),
        CreateRateLimitEvents(),
        CreateUserDocuments(),
        CreateListings(),
        CreateListingSearch(),
        CreateListingMedia(),
        CreateListingEdits(),
        CreateSavedListings(),
        CreateListingViews(),
        CreateSearchQueries(),
        CreatePlans(),
        CreateUserSubscriptions(),
        CreateConnections(),
        CreateMessages(),
        CreateNotifications(),
        CreateEmailTemplates(),
        CreateListingSearchGeneration(),
        WatchListingSummaryColumns(),
        ExtendPlanCatalogue(),
        AddSubscriptionBilling(),
        CreatePaymentMethods(),
        CreatePayments(),
        CreatePaymentEvents(),
        AddSubscriptionEmailTemplate(),
        CreateServiceProviders(),
        CreateServiceTemplates(),
        CreateServiceRequests(),
        CreateServiceCommunications(),
        CreateServiceDocuments(),
        AddServiceRequestEmailTemplate(),
        CreateUserActivities(),
        CreateProfileViews(),
        CreatePlatformMetrics(),
        CreateConversionFunnel(),
        AddAnalyticsIndexes(),
        CreateJobs(),
        NotifyCacheChanges(),
        CreateRateLimitBuckets(),
        LogListingSearchChanges(),
        DropListingTsvector(),
        CountAnalyticsTotals(),
        CreateFunnelCohorts(),
        AddAdminQueueIndexes(),
        AddListingMediaFiles(),
        CountPlatformMetricsRollups(),
    ]

    static func register(on app: Application) {
        app.migrations.add(all)
    }
}
