"""Money: balances, fees, a client's account, issued documents, diagnoses and exports."""

from django.urls import path

from confide.office import billing_views as views

urlpatterns = [
    path("billing/", views.billing_home, name="billing"),
    path("billing/settings/", views.billing_settings, name="billing_settings"),
    path(
        "billing/settings/clinicians/<int:pk>/",
        views.clinician_billing,
        name="clinician_billing",
    ),
    path("billing/fees/", views.fees, name="fees"),
    path("billing/superbills/", views.superbills_new, name="superbills_new"),
    path("billing/export/<str:what>.csv", views.export_csv, name="billing_export"),
    path("clients/<uuid:uid>/billing/", views.client_billing, name="client_billing"),
    path("clients/<uuid:uid>/billing/payments/", views.payment_new, name="payment_new"),
    path("clients/<uuid:uid>/billing/account/", views.account_edit, name="account_edit"),
    path("clients/<uuid:uid>/billing/fees/", views.client_fee_new, name="client_fee_new"),
    path(
        "clients/<uuid:uid>/billing/people/<int:person_id>/",
        views.billing_details,
        name="billing_details",
    ),
    path("clients/<uuid:uid>/billing/statements/", views.statement_new, name="statement_new"),
    path("clients/<uuid:uid>/billing/estimates/", views.estimate_new, name="estimate_new"),
    path(
        "clients/<uuid:uid>/billing/estimate-request/",
        views.estimate_request,
        name="estimate_request",
    ),
    path("clients/<uuid:uid>/diagnoses/", views.diagnoses, name="diagnoses"),
    path("diagnoses/<uuid:uid>/", views.diagnosis_change, name="diagnosis"),
    path("charges/<uuid:uid>/", views.charge_detail, name="charge"),
    path("statements/<uuid:uid>/", views.statement_pdf, name="statement"),
    path("estimates/<uuid:uid>/", views.estimate_pdf, name="estimate"),
]
