import EaglehurstAPI
import Foundation

extension Plan {
    func toDTO() throws -> Components.Schemas.Plan {
        .init(
            id: try requireID(), code: code, name: name, description: planDescription,
            userType: .init(rawValue: userType) ?? .buyer, monthlyPricePence: pricePence, yearlyPricePence: yearlyPricePence,
            currency: currency, vatRatePercent: ChargeAmounts.vatRatePercent, connectionLimit: connectionLimit, listingLimit: listingLimit,
            features: (try? JSONDecoder().decode([String].self, from: Data(features.utf8))) ?? [],
            isFree: isFree, premiumPlacement: premiumPlacement, isActive: isActive)
    }
}

extension UserSubscription {
    /// `plan` must be loaded. The free plan's period is the calendar month its counters use.
    func toDTO(freePeriod: (start: Date, end: Date)) throws -> Components.Schemas.UserSubscription {
        let paid = currentPeriodStart != nil
        let live = status == .active || status == .pastDue
        return .init(
            id: try requireID(), userId: $user.id, plan: try plan.toDTO(),
            status: .init(rawValue: status.rawValue) ?? .active, startedAt: startedAt,
            currentPeriodStart: currentPeriodStart ?? freePeriod.start, currentPeriodEnd: currentPeriodEnd ?? freePeriod.end,
            expiresAt: expiresAt, cancelAtPeriodEnd: cancelAtPeriodEnd, cancelledAt: cancelledAt,
            billingCycle: .init(rawValue: billingCycle.rawValue), paymentMethodId: paymentMethodID,
            renewsAt: paid && live && !cancelAtPeriodEnd ? (nextPaymentAttemptAt ?? currentPeriodEnd) : nil,
            failedPaymentAttempts: failedPaymentAttempts)
    }
}

extension PaymentMethod {
    func toDTO() throws -> Components.Schemas.PaymentMethod {
        .init(
            id: try requireID(), brand: brand, last4: last4, expMonth: expMonth, expYear: expYear,
            isDefault: isDefault, createdAt: createdAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension Payment {
    /// `plan` must be loaded.
    func toInvoiceDTO() throws -> Components.Schemas.Invoice {
        .init(
            id: try requireID(), amountPence: amountPence, netPence: netPence, vatPence: vatPence, vatRatePercent: vatRatePercent,
            planName: plan.name, billingCycle: .init(rawValue: billingCycle.rawValue), failureReason: failureReason,
            currency: currency, status: .init(rawValue: status.rawValue) ?? .pending, description: paymentDescription,
            planId: $plan.id, subscriptionId: $subscription.id, gatewayPaymentId: gatewayPaymentID,
            periodStart: periodStart, periodEnd: periodEnd, paidAt: paidAt, createdAt: createdAt ?? Date(timeIntervalSince1970: 0))
    }
}
