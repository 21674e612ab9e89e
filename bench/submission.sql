-- The writes of one complete birth submission (create + submit; with -D scan=1 also the attached scan),
-- spread over the wards of Nghệ An like the HTTP load; the ward lookup is the only read the portal
-- would not make.
\set n random(1, 1000000000)
\set w random(0, 129)
SELECT code AS ward FROM divisions_ward WHERE province_id = 40 ORDER BY code OFFSET :w LIMIT 1 \gset
BEGIN;
INSERT INTO registrations_bundle (public_id, code, "group", state, owner_id, ward_id, procedures, requester_relationship, requester_phone, requester_email, created_at, updated_at, late_registration, verification_needed, registration_book, extract_without_personal_id, closed_reason, certificate_status, origin)
  VALUES (gen_random_uuid(), NULL, 'birth', 'draft', :owner, :ward, '["permanent_residence","health_insurance","child_id_card"]', 'mother', '0912345678', '', now(), now(), false, false, '', false, '', '', 'citizen') RETURNING id \gset b_
INSERT INTO registrations_birthdetails (bundle_id, place_of_birth_facility, hometown, medical_birth_certificate_number, residence_address, household_head_full_name, relationship_to_head, primary_care_facility, id_card_delivery_method, id_card_delivery_address)
  VALUES (:b_id, 'Bệnh viện', 'Nghi Lộc', 'GCS-' || :n, 'Số 5', 'Trần Văn Hùng', 'con', 'Trạm y tế', 'pickup', '');
INSERT INTO registrations_person (bundle_id, role, full_name, full_name_folded, nationality, residence_address, sex, ethnicity, relationship) VALUES
  (:b_id, 'requester', 'Nguyễn Thị Lan', 'nguyen thi lan', 'VN', '', 'female', '', ''),
  (:b_id, 'child', 'Nguyễn Minh Khôi', 'nguyen minh khoi', 'VN', '', 'male', '01', ''),
  (:b_id, 'mother', 'Nguyễn Thị Lan', 'nguyen thi lan', 'VN', 'Số 5', 'female', '01', '');
\if :scan
INSERT INTO registrations_attachment (bundle_id, public_id, kind, file, content_type, size, sha256, original_name, uploaded_by_id, uploaded_at)
  VALUES (:b_id, gen_random_uuid(), 'medical_birth_certificate', 'x.pdf', 'application/pdf', 60, md5(:n::text), 'gcs.pdf', :owner, now());
\endif
INSERT INTO registrations_bundlecodecounter (ward_id, day, last_number) VALUES (:ward, current_date, 1)
  ON CONFLICT (ward_id, day) DO UPDATE SET last_number = registrations_bundlecodecounter.last_number + 1 RETURNING last_number \gset c_
SELECT id FROM registrations_medicalcertificate WHERE current AND kind = 'birth' AND number = 'GCS-' || :n LIMIT 1;
SELECT p.bundle_id FROM registrations_person p JOIN registrations_birthdetails d ON d.bundle_id = p.bundle_id
  WHERE p.role = 'child' AND d.medical_birth_certificate_number = 'GCS-' || :n AND p.bundle_id <> :b_id;
INSERT INTO audit_auditstream (key, last_seq, last_hash) VALUES ('bundle:' || :b_id, 1, repeat('0', 64))
  ON CONFLICT (key) DO UPDATE SET last_seq = audit_auditstream.last_seq + 1 RETURNING last_seq \gset a_
INSERT INTO audit_auditevent (stream, seq, occurred_at, action, actor_id, actor_label, object_type, object_id, data, request_id, prev_hash, hash)
  VALUES ('bundle:' || :b_id, :a_last_seq, now(), 'bundle.submit', :owner, 'bench', 'bundle', :b_id, '{"from":"draft","to":"submitted"}', '', repeat('0', 64), md5(:b_id::text || 'a') || md5(:b_id::text || 'b'));
UPDATE audit_auditstream SET last_hash = md5(:n::text) WHERE key = 'bundle:' || :b_id;
INSERT INTO dashboard_wardday (ward_id, province_id, day, "group", procedure, agency, touched_at, received, received_e_certificate, registered, registered_late, completed, completed_on_time, processing_d0, processing_d1, processing_d2, processing_d3, processing_d4, processing_d5, processing_d6, processing_d7, processing_d8, processing_d9, processing_d10, steps_done, steps_failed, retries, latency_b0, latency_b1, latency_b2, latency_b3, latency_b4, latency_b5, latency_b6, latency_b7, latency_b8, latency_b9, latency_b10, latency_b11, latency_b12, latency_b13, latency_b14, latency_b15, latency_b16, latency_b17, latency_b18, latency_b19)
  SELECT :ward, 40, current_date, 'birth', p, '', now(), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM unnest(ARRAY['', 'birth_registration', 'child_id_card', 'health_insurance', 'permanent_residence', 'personal_id']) AS p
  ON CONFLICT (ward_id, day, "group", procedure, agency) DO UPDATE SET received = dashboard_wardday.received + excluded.received, touched_at = excluded.touched_at;
UPDATE registrations_bundle SET state = 'submitted', certificate_status = 'not_received', code = '40.' || :ward || '-' || :n || '-' || :c_last_number, submitted_at = now(), clock_started_at = now(), due_at = now() + interval '3 days', catalogue_version_id = (SELECT id FROM registrations_catalogueversion ORDER BY effective_from DESC LIMIT 1) WHERE id = :b_id;
INSERT INTO registrations_step (bundle_id, procedure, agency, depends_on, position, state, idempotency_key, time_limit_days, attempts, reference, result, reason, updated_at) VALUES
  (:b_id, 'birth_registration', 'civil_status', '[]', 0, 'waiting', gen_random_uuid(), 0, 0, '', '{}', '', now()),
  (:b_id, 'personal_id', 'police', '["birth_registration"]', 1, 'waiting', gen_random_uuid(), 0, 0, '', '{}', '', now()),
  (:b_id, 'permanent_residence', 'police', '["personal_id","signed_extract"]', 2, 'waiting', gen_random_uuid(), 2, 0, '', '{}', '', now()),
  (:b_id, 'health_insurance', 'social_insurance', '["personal_id","signed_extract"]', 3, 'waiting', gen_random_uuid(), 2, 0, '', '{}', '', now()),
  (:b_id, 'child_id_card', 'police', '["personal_id","signed_extract"]', 4, 'waiting', gen_random_uuid(), 2, 0, '', '{}', '', now());
COMMIT;
