"""Runs every ConnectorService operation of the official ConductorOne Python SDK
(conductorone-sdk 0.17.2) against `connkit sandbox serve`.

Environment: C1_SERVER_URL, C1_TOKEN (sent through the SDK's `oauth` setting), C1_APP,
and a connector that has synced: C1_CONNECTOR, C1_SYNC_ID, C1_LIFECYCLE_ID.
Prints `OK <operation>` for each; any failure raises (non-zero exit).
"""

import os

import conductorone_sdk
from conductorone_sdk.models import operations, shared

env = os.environ
app, synced = env["C1_APP"], env["C1_CONNECTOR"]
sdk = conductorone_sdk.SDK(
    server_url=env["C1_SERVER_URL"],
    security=shared.Security(oauth="Bearer " + env["C1_TOKEN"], bearer_auth=""),
)
c = sdk.connector


def ok(name, response, body):
    assert response.status_code == 200, (name, response.status_code)
    assert response.content_type == "application/json", (name, response.content_type)
    assert body is not None, (name, "no body")
    print("OK", name, flush=True)
    return body


listed = ok("List", r := c.list(request=operations.C1APIAppV1ConnectorServiceListRequest(
    app_id=app, page_size=10)), r.connector_service_list_response)
assert any(v.connector.id == synced for v in listed.list), listed

created = ok("Create", r := c.create(request=operations.C1APIAppV1ConnectorServiceCreateRequest(
    app_id=app,
    connector_service_create_request=shared.ConnectorServiceCreateRequest(
        catalog_id="catalog-okta", description="from the python sdk"),
)), r.connector_service_create_response)
made = created.connector_view.connector.id

delegated = ok("CreateDelegated", r := c.create_delegated(
    request=operations.C1APIAppV1ConnectorServiceCreateDelegatedRequest(
        app_id=app,
        connector_service_create_delegated_request=shared.ConnectorServiceCreateDelegatedRequest(
            catalog_id="catalog-okta", display_name="delegated by python"),
    )), r.connector_service_create_response)
waiting = delegated.connector_view.connector.id

got = ok("Get", r := c.get(request=operations.C1APIAppV1ConnectorServiceGetRequest(
    app_id=app, id=made)), r.connector_service_get_response)
assert got.connector_view.connector.description == "from the python sdk"

updated = ok("Update", r := c.update(request=operations.C1APIAppV1ConnectorServiceUpdateRequest(
    app_id=app, id=made,
    connector_service_update_request=shared.ConnectorServiceUpdateRequest(
        connector=shared.ConnectorInput(display_name="renamed by python"),
        update_mask="displayName"),
)), r.connector_service_update_response)
assert updated.connector_view.connector.display_name == "renamed by python"

updated = ok("UpdateDelegated", r := c.update_delegated(
    request=operations.C1APIAppV1ConnectorServiceUpdateDelegatedRequest(
        connector_app_id=app, connector_id=waiting,
        connector_service_update_delegated_request=shared.ConnectorServiceUpdateDelegatedRequest(
            connector=shared.ConnectorInput(description="configured later"),
            update_mask="description"),
    )), r.connector_service_update_response)
assert updated.connector_view.connector.description == "configured later"

ok("ForceSync", r := c.force_sync(request=operations.C1APIAppV1ConnectorServiceForceSyncRequest(
    app_id=app, connector_id=made)), r.force_sync_response)
ok("PauseSync", r := c.pause_sync(request=operations.C1APIAppV1ConnectorServicePauseSyncRequest(
    app_id=app, connector_id=made)), r.pause_sync_response)
ok("ResumeSync", r := c.resume_sync(request=operations.C1APIAppV1ConnectorServiceResumeSyncRequest(
    app_id=app, connector_id=made)), r.resume_sync_response)

url = ok("GetConnectorSyncDownloadURL", r := c.get_connector_sync_download_url(
    request=operations.C1APIAppV1ConnectorServiceGetConnectorSyncDownloadURLRequest(
        app_id=app, connector_id=synced, sync_id=env["C1_SYNC_ID"])),
    r.get_connector_sync_download_url_response)
assert env["C1_SYNC_ID"] in url.download_url, url
ok("ConfirmSyncValid", r := c.confirm_sync_valid(
    request=operations.C1APIAppV1ConnectorServiceConfirmSyncValidRequest(
        app_id=app, connector_id=synced, sync_lifecycle_id=env["C1_LIFECYCLE_ID"])),
    r.confirm_sync_valid_response)

rotated = ok("RotateCredential", r := c.rotate_credential(
    request=shared.ConnectorServiceRotateCredentialRequest(app_id=app, connector_id=made)),
    r.connector_service_rotate_credential_response)
credential = rotated.connector_credential
assert credential.client_secret.startswith("secret-token:conductorone.com:v1:"), credential
fetched = ok("GetCredentials", r := c.get_credentials(
    request=operations.C1APIAppV1ConnectorServiceGetCredentialsRequest(
        app_id=app, connector_id=made, id=credential.id)),
    r.connector_service_get_credentials_response)
assert fetched.connector_credential.client_secret is None, fetched
ok("RevokeCredential", r := c.revoke_credential(
    request=operations.C1APIAppV1ConnectorServiceRevokeCredentialRequest(
        app_id=app, connector_id=made, id=credential.id)),
    r.connector_service_revoke_credential_response)

markers = ok("ValidateHTTPConnectorConfig", r := c.validate_http_connector_config(
    request=shared.EditorValidateRequest(text="{ not json")), r.editor_validate_response)
assert len(markers.markers) == 1, markers

ok("Delete", r := c.delete(request=operations.C1APIAppV1ConnectorServiceDeleteRequest(
    app_id=app, id=waiting)), r.connector_service_delete_response)
