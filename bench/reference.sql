-- The benchmark's reference: one hand-written statement producing, for every enrolled unit
-- of a campaign, the figures its per-unit compliance rules are made of (one row per unit).
-- PostgreSQL and SQLite alike. `bench/reference.py` runs it and the benchmark compares a
-- full recomputation of the campaign's figures (`figures.compute_units` of every unit)
-- with its time: target ≤ 2×.
--
-- Parameters (the one row of `p`): the campaign, today, the minimum study hours (the
-- template's default; variants by category or member group are not applied here), the
-- number of 五个一 items.
--
-- A member, item, visit … belongs to the enrolled unit whose organisation's path starts its
-- organisation's path (`unit_org`).
WITH p AS (
    SELECT %s AS campaign_id, %s AS today, %s AS min_hours, %s AS five_ones
),
unit AS (
    SELECT e.id AS enrollment_id, e.organization_id, e.batch_id, o.path
    FROM campaigns_enrollment e
    JOIN orgs_organization o ON o.id = e.organization_id
    WHERE e.campaign_id = (SELECT campaign_id FROM p)
),
unit_org AS (
    SELECT u.enrollment_id, o.id AS org_id, o.path
    FROM unit u
    JOIN orgs_organization o ON o.path LIKE u.path || '%%'
),
unit_member AS (
    SELECT uo.enrollment_id, m.id AS member_id, m.is_leader_cadre
    FROM unit_org uo
    JOIN orgs_member m ON m.organization_id = uo.org_id
),
-- plan.phases, plan.steps, plan.remedial, rectification.published (windows)
phases AS (
    SELECT w.enrollment_id, COUNT(*) AS windows,
           SUM(CASE WHEN w.ends_on < (SELECT today FROM p) THEN 1 ELSE 0 END) AS ended
    FROM campaigns_phasewindow w JOIN unit u ON u.enrollment_id = w.enrollment_id
    GROUP BY w.enrollment_id
),
steps AS (
    SELECT r.enrollment_id,
           SUM(CASE WHEN r.status = 'done' THEN 1 ELSE 0 END) AS done,
           SUM(CASE WHEN r.status = 'done' AND NOT EXISTS (
               SELECT 1 FROM campaigns_stepevidence v WHERE v.step_record_id = r.id
           ) THEN 1 ELSE 0 END) AS done_without_evidence
    FROM campaigns_steprecord r JOIN unit u ON u.enrollment_id = r.enrollment_id
    GROUP BY r.enrollment_id
),
remedial AS (
    SELECT c.enrollment_id,
           SUM(CASE WHEN c.closed_on IS NULL AND c.ends_on IS NULL THEN 1 ELSE 0 END) AS undated
    FROM campaigns_remedialcycle c JOIN unit u ON u.enrollment_id = c.enrollment_id
    GROUP BY c.enrollment_id
),
-- study.sessions, study.two_books
sessions AS (
    SELECT s.enrollment_id, COUNT(*) AS sessions,
           SUM(CASE WHEN s.date <= (SELECT today FROM p) THEN 1 ELSE 0 END) AS held,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM study_sessionlog l WHERE l.session_id = s.id)
               THEN 1 ELSE 0 END) AS logged,
           SUM(CASE WHEN s.date < (SELECT today FROM p) AND NOT EXISTS (
               SELECT 1 FROM study_attendance a WHERE a.session_id = s.id
           ) THEN 1 ELSE 0 END) AS without_roll
    FROM study_studysession s JOIN unit u ON u.enrollment_id = s.enrollment_id
    GROUP BY s.enrollment_id
),
-- study.participation
participation AS (
    SELECT s.enrollment_id, COUNT(*) AS expected,
           SUM(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END) AS attended
    FROM study_attendance a
    JOIN study_studysession s ON s.id = a.session_id
    JOIN unit u ON u.enrollment_id = s.enrollment_id
    GROUP BY s.enrollment_id
),
-- study.stored_hours: each member's hours added up from their marks in the campaign
marks AS (
    SELECT a.member_id, SUM(s.hours) AS hours
    FROM study_attendance a
    JOIN study_studysession s ON s.id = a.session_id
    JOIN unit u ON u.enrollment_id = s.enrollment_id
    WHERE a.status IN ('present', 'late')
    GROUP BY a.member_id
),
-- study.hours, study.five_ones, study.two_books (leaders' notes), appraisal.*,
-- study.stored_hours (stored hours that differ from the marks)
members AS (
    SELECT um.enrollment_id, COUNT(*) AS members,
           SUM(CASE WHEN COALESCE(h.hours, 0) < (SELECT min_hours FROM p) THEN 1 ELSE 0 END)
               AS short_of_hours,
           SUM(CASE WHEN COALESCE(h.hours, 0) <> COALESCE(mk.hours, 0) THEN 1 ELSE 0 END)
               AS hours_mismatched,
           SUM(CASE WHEN um.is_leader_cadre THEN 1 ELSE 0 END) AS leaders,
           SUM(CASE WHEN um.is_leader_cadre AND EXISTS (
               SELECT 1 FROM study_studynote n
               WHERE n.member_id = um.member_id AND n.campaign_id = (SELECT campaign_id FROM p)
           ) THEN 1 ELSE 0 END) AS leaders_with_notes,
           SUM(CASE WHEN (
               SELECT COUNT(DISTINCT f.item) FROM study_fiveonerecord f
               WHERE f.member_id = um.member_id AND f.campaign_id = (SELECT campaign_id FROM p)
           ) >= (SELECT five_ones FROM p) THEN 1 ELSE 0 END) AS five_ones_complete,
           SUM(CASE WHEN EXISTS (
               SELECT 1 FROM appraisal_selfanalysis sa
               WHERE sa.member_id = um.member_id
                 AND sa.campaign_id = (SELECT campaign_id FROM p)
                 AND sa.status IN ('submitted', 'accepted')
           ) THEN 1 ELSE 0 END) AS analyses_handed_in,
           SUM(CASE WHEN EXISTS (
               SELECT 1 FROM appraisal_talk t
               WHERE t.enrollment_id = um.enrollment_id
                 AND (t.initiator_id = um.member_id OR t.partner_id = um.member_id)
           ) THEN 1 ELSE 0 END) AS talked
    FROM unit_member um
    LEFT JOIN study_memberhours h
        ON h.member_id = um.member_id AND h.campaign_id = (SELECT campaign_id FROM p)
    LEFT JOIN marks mk ON mk.member_id = um.member_id
    GROUP BY um.enrollment_id
),
-- appraisal.opinions, appraisal.feedback
opinions AS (
    SELECT uo.enrollment_id, COUNT(*) AS opinions,
           SUM(CASE WHEN o.status = 'open' AND o.due_on < (SELECT today FROM p)
               THEN 1 ELSE 0 END) AS opinions_overdue,
           SUM(CASE WHEN o.status <> 'open' AND o.answered_on > o.due_on
               THEN 1 ELSE 0 END) AS answered_late,
           COUNT(DISTINCT CASE WHEN o.member_id IS NOT NULL AND o.fed_back_on IS NULL
               THEN o.member_id END) AS not_fed_back
    FROM appraisal_opinion o
    JOIN unit_org uo ON uo.org_id = o.responsible_unit_id
    WHERE o.campaign_id = (SELECT campaign_id FROM p)
    GROUP BY uo.enrollment_id
),
-- appraisal.appraisal
rounds AS (
    SELECT r.enrollment_id, COUNT(*) AS rounds,
           SUM((SELECT COUNT(*) FROM appraisal_candidate c WHERE c.round_id = r.id)) AS candidates,
           SUM((SELECT COUNT(*) FROM appraisal_appraisalconclusion c WHERE c.round_id = r.id))
               AS concluded
    FROM appraisal_appraisalround r JOIN unit u ON u.enrollment_id = r.enrollment_id
    GROUP BY r.enrollment_id
),
meetings AS (
    SELECT m.enrollment_id, COUNT(*) AS meetings
    FROM appraisal_orglifemeeting m JOIN unit u ON u.enrollment_id = m.enrollment_id
    GROUP BY m.enrollment_id
),
-- rectification.owners, .overdue, .published, .reopened
items AS (
    SELECT i.enrollment_id, COUNT(*) AS items,
           SUM(CASE WHEN i.responsible_id IS NULL OR i.deadline IS NULL THEN 1 ELSE 0 END)
               AS items_without_owner,
           SUM(CASE WHEN i.deadline < (SELECT today FROM p)
                     AND i.status NOT IN ('done', 'verified')
                     AND COALESCE(i.explanation, '') = '' THEN 1 ELSE 0 END) AS overdue_unexplained,
           SUM(CASE WHEN i.deadline < (SELECT today FROM p)
                     AND i.status NOT IN ('done', 'verified')
                     AND COALESCE(i.explanation, '') <> '' THEN 1 ELSE 0 END) AS overdue_explained,
           SUM(CASE WHEN i.published_at IS NOT NULL THEN 1 ELSE 0 END) AS published,
           SUM(CASE WHEN i.status = 'reopened' THEN 1 ELSE 0 END) AS reopened
    FROM rectification_rectificationitem i JOIN unit u ON u.enrollment_id = i.enrollment_id
    WHERE i.campaign_id = (SELECT campaign_id FROM p)
    GROUP BY i.enrollment_id
),
-- surveys.taken, .satisfied, .remedial
surveys AS (
    SELECT s.enrollment_id, COUNT(*) AS surveys,
           SUM(CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END) AS surveys_closed,
           MAX(s.number) AS latest_survey
    FROM surveys_survey s JOIN unit u ON u.enrollment_id = s.enrollment_id
    GROUP BY s.enrollment_id
),
-- oversight.leading_groups
groups_ AS (
    SELECT u.enrollment_id, COUNT(DISTINCT g.id) AS groups,
           SUM(CASE WHEN gm.is_responsible THEN 1 ELSE 0 END) AS heads
    FROM oversight_leadinggroup g
    JOIN unit u ON u.organization_id = g.organization_id
    LEFT JOIN oversight_groupmembership gm ON gm.group_id = g.id
    WHERE g.campaign_id = (SELECT campaign_id FROM p)
    GROUP BY u.enrollment_id
),
-- oversight.liaison_officers: officers dispatched in the unit's batch to it or around it
officers AS (
    SELECT u.enrollment_id, COUNT(*) AS officers,
           SUM(CASE WHEN a.withdrawn_on IS NULL THEN 1 ELSE 0 END) AS officers_in_post
    FROM oversight_liaisonassignment a
    JOIN orgs_organization ao ON ao.id = a.organization_id
    JOIN unit u ON u.batch_id = a.batch_id
        AND (ao.path LIKE u.path || '%%' OR u.path LIKE ao.path || '%%')
    GROUP BY u.enrollment_id
),
-- oversight.suggestions
suggestions AS (
    SELECT uo.enrollment_id, COUNT(*) AS suggestions_overdue, MIN(s.answer_due_on) AS oldest
    FROM oversight_suggestion s
    JOIN oversight_supervisionvisit v ON v.id = s.visit_id
    JOIN unit_org uo ON uo.org_id = v.organization_id
    WHERE s.status IN ('open', 'returned') AND s.answer_due_on < (SELECT today FROM p)
    GROUP BY uo.enrollment_id
)
SELECT u.enrollment_id,
       COALESCE(ph.windows, 0), COALESCE(ph.ended, 0),
       COALESCE(st.done, 0), COALESCE(st.done_without_evidence, 0),
       COALESCE(rc.undated, 0),
       COALESCE(se.sessions, 0), COALESCE(se.held, 0), COALESCE(se.logged, 0),
       COALESCE(se.without_roll, 0),
       COALESCE(pa.expected, 0), COALESCE(pa.attended, 0),
       COALESCE(mb.members, 0), COALESCE(mb.short_of_hours, 0),
       COALESCE(mb.hours_mismatched, 0), COALESCE(mb.leaders, 0),
       COALESCE(mb.leaders_with_notes, 0), COALESCE(mb.five_ones_complete, 0),
       COALESCE(mb.analyses_handed_in, 0), COALESCE(mb.talked, 0),
       COALESCE(op.opinions, 0), COALESCE(op.opinions_overdue, 0),
       COALESCE(op.answered_late, 0), COALESCE(op.not_fed_back, 0),
       COALESCE(ro.rounds, 0), COALESCE(ro.candidates, 0), COALESCE(ro.concluded, 0),
       COALESCE(me.meetings, 0),
       COALESCE(it.items, 0), COALESCE(it.items_without_owner, 0),
       COALESCE(it.overdue_unexplained, 0), COALESCE(it.overdue_explained, 0),
       COALESCE(it.published, 0), COALESCE(it.reopened, 0),
       COALESCE(su.surveys, 0), COALESCE(su.surveys_closed, 0), su.latest_survey,
       COALESCE(gr.groups, 0), COALESCE(gr.heads, 0),
       COALESCE(oc.officers, 0), COALESCE(oc.officers_in_post, 0),
       COALESCE(sg.suggestions_overdue, 0), sg.oldest
FROM unit u
LEFT JOIN phases ph ON ph.enrollment_id = u.enrollment_id
LEFT JOIN steps st ON st.enrollment_id = u.enrollment_id
LEFT JOIN remedial rc ON rc.enrollment_id = u.enrollment_id
LEFT JOIN sessions se ON se.enrollment_id = u.enrollment_id
LEFT JOIN participation pa ON pa.enrollment_id = u.enrollment_id
LEFT JOIN members mb ON mb.enrollment_id = u.enrollment_id
LEFT JOIN opinions op ON op.enrollment_id = u.enrollment_id
LEFT JOIN rounds ro ON ro.enrollment_id = u.enrollment_id
LEFT JOIN meetings me ON me.enrollment_id = u.enrollment_id
LEFT JOIN items it ON it.enrollment_id = u.enrollment_id
LEFT JOIN surveys su ON su.enrollment_id = u.enrollment_id
LEFT JOIN groups_ gr ON gr.enrollment_id = u.enrollment_id
LEFT JOIN officers oc ON oc.enrollment_id = u.enrollment_id
LEFT JOIN suggestions sg ON sg.enrollment_id = u.enrollment_id
ORDER BY u.enrollment_id
