def test_api_lists_shipped_ledgers(api):
    response = api("viewer").get("/ledgers")
    assert response.status_code == 200
    assert {l["key"] for l in response.get_json()["items"]} == {
        "supervision", "emergency_plans", "fixed_assets", "repairs", "receptions"}
