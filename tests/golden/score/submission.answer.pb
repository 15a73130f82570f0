

submission¦
telecom-support-managerGsha256:a200d8ea374b505b48e9cb795277e3b38edb3ef5547031d82dc5208e20871f50"@Telecom technical-support manager after-sales performance review0.1.0"en*e102422026-Q3:Œ#¿
key_customer_satisfactioncustomer_satisfactionKey-customer satisfaction score :92@HR90Z0b0j0.00r20.00z20.00‚AKey-customer satisfaction score 92 meets the 90 target: 20 of 20.ù
complaint_resolution_ratecustomer_satisfactionComplaint resolution rate *	ticketing:94.75@HR95Z0.25b0.25j0.13r19.87z20.00‚mComplaint resolution rate 94.75% is 0.25 below the 95% target: 0.25 Ã— 0.5 = 0.125 â†’ 0.13 off, 19.87 of 20.»
first_response_sla_ratecustomer_satisfactionFirst-response on-time rate *	ticketing:95.28999999999999@HR98Z2.71000000000001b2.71j1.36r18.64z20.00‚–First-response on-time rate 95.28999999999999% is 2.71000000000001 below the 98% target: 2.71000000000001 Ã— 0.5 = 1.355â€¦ â†’ 1.36 off, 18.64 of 20.Í
follow_up_satisfactioncustomer_satisfactionFollow-up visit satisfaction :83@HR85Z2b2j1.00r19.00z20.00‚UFollow-up visit satisfaction 83 is 2 below the 85 target: 2 Ã— 0.5 = 1 off, 19 of 20.´
major_incidentscustomer_satisfactionMajor service incidents :1@HR0Z1b1j5.00r15.00z20.00‚JMajor service incidents 1 is 1 over the 0 limit: 1 Ã— 5 = 5 off, 15 of 20.Ò
first_contact_resolution_rateproblem_solvingFirst-contact resolution rate :76@HR80Z4b4j2.00r18.00z20.00‚XFirst-contact resolution rate 76% is 4 below the 80% target: 4 Ã— 0.5 = 2 off, 18 of 20.ï
 complex_issue_avg_handle_minutesproblem_solvingComplex-issue handling time :150@HR120Z30b2j2.00r18.00z20.00‚qComplex-issue handling time 150 min is 30 over the 120 min limit: 30 / 15 = 2 steps Ã— 1 = 2 â†’ 2 off, 18 of 20.Â
knowledge_base_articlesproblem_solvingKnowledge-base contributions :3@HR5Z2b2j4.00r16.00z20.00‚QKnowledge-base contributions 3 is 2 below the 5 target: 2 Ã— 2 = 4 off, 16 of 20.³
training_coverage_rateproblem_solvingTraining coverage :96@HR100Z4b4j4.00r16.00z20.00‚KTraining coverage 96% is 4 below the 100% target: 4 Ã— 1 = 4 off, 16 of 20.À
 cross_department_resolution_rateproblem_solvingCross-department collaboration :91@HR90Z0b0j0.00r20.00z20.00‚BCross-department collaboration 91% meets the 90% target: 20 of 20.¿
team_training_completion_rateteam_managementTeam training completion rate :100@HR100Z0b0j0.00r20.00z20.00‚CTeam training completion rate 100% meets the 100% target: 20 of 20.ß
 team_performance_attainment_rateteam_management Team performance attainment rate :80@HR85Z5b5j2.50r17.50z20.00‚_Team performance attainment rate 80% is 5 below the 85% target: 5 Ã— 0.5 = 2.5 off, 17.5 of 20.©
attrition_rateteam_managementStaff attrition rate :7@HR5Z2b2j6.00r14.00z20.00‚IStaff attrition rate 7% is 2 over the 5% limit: 2 Ã— 3 = 6 off, 14 of 20.Ö
team_collaboration_satisfactionteam_managementTeam collaboration satisfaction :78@HR80Z2b2j1.00r19.00z20.00‚XTeam collaboration satisfaction 78 is 2 below the 80 target: 2 Ã— 0.5 = 1 off, 19 of 20.ñ
 process_suggestion_adoption_rateteam_management,Process-improvement suggestion adoption rate :65@HR70Z5b5j5.00r15.00z20.00‚eProcess-improvement suggestion adoption rate 65% is 5 below the 70% target: 5 Ã— 1 = 5 off, 15 of 20.Å
process_optimizationsservice_innovationService process optimisations :1@HR2Z1b1j2.00r18.00z20.00‚RService process optimisations 1 is 1 below the 2 target: 1 Ã— 2 = 2 off, 18 of 20.¹
new_tool_adoption_rateservice_innovationNew service tool adoption rate :90@HR85Z0b0j0.00r20.00z20.00‚BNew service tool adoption rate 90% meets the 85% target: 20 of 20.ß
customer_feedback_adoption_rateservice_innovationCustomer feedback adoption rate :55@HR60Z5b5j2.50r17.50z20.00‚^Customer feedback adoption rate 55% is 5 below the 60% target: 5 Ã— 0.5 = 2.5 off, 17.5 of 20.¡
cost_savings_rateservice_innovationCost savings :3@HR5Z2b2j2.00r18.00z20.00‚CCost savings 3% is 2 below the 5% target: 2 Ã— 1 = 2 off, 18 of 20.Â
innovation_proposalsservice_innovationInnovative service proposals :0@HR1Z1b1j2.00r18.00z20.00‚QInnovative service proposals 0 is 1 below the 1 target: 1 Ã— 2 = 2 off, 18 of 20.I
customer_satisfactionCustomer satisfaction92.51"100.00*40237.004;
problem_solvingProblem solving88.00"100.00*30226.4;
team_managementTeam management85.50"100.00*20217.1A
service_innovationService innovation91.50"100.00*1029.15"89.65*89.65B®$æ
key_customer_satisfactioncustomer_satisfactionKey-customer satisfaction score :0@HR90Z90b90j20.00r0.00z20.00‚gKey-customer satisfaction score 0 is 90 below the 90 target: 90 Ã— 0.5 = 45, capped at 20 off, 0 of 20.ù
complaint_resolution_ratecustomer_satisfactionComplaint resolution rate *	ticketing:94.75@HR95Z0.25b0.25j0.13r19.87z20.00‚mComplaint resolution rate 94.75% is 0.25 below the 95% target: 0.25 Ã— 0.5 = 0.125 â†’ 0.13 off, 19.87 of 20.»
first_response_sla_ratecustomer_satisfactionFirst-response on-time rate *	ticketing:95.28999999999999@HR98Z2.71000000000001b2.71j1.36r18.64z20.00‚–First-response on-time rate 95.28999999999999% is 2.71000000000001 below the 98% target: 2.71000000000001 Ã— 0.5 = 1.355â€¦ â†’ 1.36 off, 18.64 of 20.Í
follow_up_satisfactioncustomer_satisfactionFollow-up visit satisfaction :83@HR85Z2b2j1.00r19.00z20.00‚UFollow-up visit satisfaction 83 is 2 below the 85 target: 2 Ã— 0.5 = 1 off, 19 of 20.¶
major_incidentscustomer_satisfactionMajor service incidents :2@HR0Z2b2j10.00r10.00z20.00‚KMajor service incidents 2 is 2 over the 0 limit: 2 Ã— 5 = 10 off, 10 of 20.Ò
first_contact_resolution_rateproblem_solvingFirst-contact resolution rate :76@HR80Z4b4j2.00r18.00z20.00‚XFirst-contact resolution rate 76% is 4 below the 80% target: 4 Ã— 0.5 = 2 off, 18 of 20.‹
 complex_issue_avg_handle_minutesproblem_solvingComplex-issue handling time :131@HR120Z11b0.7333j0.73r19.27z20.00‚‡Complex-issue handling time 131 min is 11 over the 120 min limit: 11 / 15 = 0.7333â€¦ steps Ã— 1 = 0.7333â€¦ â†’ 0.73 off, 19.27 of 20.Â
knowledge_base_articlesproblem_solvingKnowledge-base contributions :3@HR5Z2b2j4.00r16.00z20.00‚QKnowledge-base contributions 3 is 2 below the 5 target: 2 Ã— 2 = 4 off, 16 of 20.³
training_coverage_rateproblem_solvingTraining coverage :96@HR100Z4b4j4.00r16.00z20.00‚KTraining coverage 96% is 4 below the 100% target: 4 Ã— 1 = 4 off, 16 of 20.ç
 cross_department_resolution_rateproblem_solvingCross-department collaboration :88.4@HR90Z1.6b1.6j0.80r19.20z20.00‚cCross-department collaboration 88.4% is 1.6 below the 90% target: 1.6 Ã— 0.5 = 0.8 off, 19.2 of 20.â
team_training_completion_rateteam_managementTeam training completion rate :97.5@HR100Z2.5b2.5j2.50r17.50z20.00‚aTeam training completion rate 97.5% is 2.5 below the 100% target: 2.5 Ã— 1 = 2.5 off, 17.5 of 20.ß
 team_performance_attainment_rateteam_management Team performance attainment rate :80@HR85Z5b5j2.50r17.50z20.00‚_Team performance attainment rate 80% is 5 below the 85% target: 5 Ã— 0.5 = 2.5 off, 17.5 of 20.©
attrition_rateteam_managementStaff attrition rate :7@HR5Z2b2j6.00r14.00z20.00‚IStaff attrition rate 7% is 2 over the 5% limit: 2 Ã— 3 = 6 off, 14 of 20.Ö
team_collaboration_satisfactionteam_managementTeam collaboration satisfaction :78@HR80Z2b2j1.00r19.00z20.00‚XTeam collaboration satisfaction 78 is 2 below the 80 target: 2 Ã— 0.5 = 1 off, 19 of 20.ñ
 process_suggestion_adoption_rateteam_management,Process-improvement suggestion adoption rate :65@HR70Z5b5j5.00r15.00z20.00‚eProcess-improvement suggestion adoption rate 65% is 5 below the 70% target: 5 Ã— 1 = 5 off, 15 of 20.Å
process_optimizationsservice_innovationService process optimisations :1@HR2Z1b1j2.00r18.00z20.00‚RService process optimisations 1 is 1 below the 2 target: 1 Ã— 2 = 2 off, 18 of 20.¹
new_tool_adoption_rateservice_innovationNew service tool adoption rate :90@HR85Z0b0j0.00r20.00z20.00‚BNew service tool adoption rate 90% meets the 85% target: 20 of 20.ß
customer_feedback_adoption_rateservice_innovationCustomer feedback adoption rate :55@HR60Z5b5j2.50r17.50z20.00‚^Customer feedback adoption rate 55% is 5 below the 60% target: 5 Ã— 0.5 = 2.5 off, 17.5 of 20.³
cost_savings_rateservice_innovationCost savings :-1.5@HR5Z6.5b6.5j6.50r13.50z20.00‚NCost savings -1.5% is 6.5 below the 5% target: 6.5 Ã— 1 = 6.5 off, 13.5 of 20.Â
innovation_proposalsservice_innovationInnovative service proposals :0@HR1Z1b1j2.00r18.00z20.00‚QInnovative service proposals 0 is 1 below the 1 target: 1 Ã— 2 = 2 off, 18 of 20.I
customer_satisfactionCustomer satisfaction67.51"100.00*40227.004=
problem_solvingProblem solving88.47"100.00*30226.541;
team_managementTeam management83.00"100.00*20216.6@
service_innovationService innovation87.00"100.00*1028.7"78.85*78.85J30R70Z82.09b0.8209rÒ
key_customer_satisfactioncustomer_satisfactionKey-customer satisfaction score"5.60*0.00220.00:90@HRbKey-customer satisfaction score cost 5.60 points of the final score; 90 or more earns full points.r¶
major_incidentscustomer_satisfactionMajor service incidents"3.40*5.00210.00:0@HRYMajor service incidents cost 3.40 points of the final score; 0 or less earns full points.rÁ
knowledge_base_articlesproblem_solvingKnowledge-base contributions"1.20*4.0024.00:5@HR^Knowledge-base contributions cost 1.20 points of the final score; 5 or more earns full points.r¯
training_coverage_rateproblem_solvingTraining coverage"1.20*4.0024.00:100@HRVTraining coverage cost 1.20 points of the final score; 100% or more earns full points.r©
attrition_rateteam_managementStaff attrition rate"1.20*6.0026.00:5@HRWStaff attrition rate cost 1.20 points of the final score; 5% or less earns full points.rí
 process_suggestion_adoption_rateteam_management,Process-improvement suggestion adoption rate"1.00*5.0025.00:70@HRpProcess-improvement suggestion adoption rate cost 1.00 points of the final score; 70% or more earns full points.rÌ
first_contact_resolution_rateproblem_solvingFirst-contact resolution rate"0.60*2.0022.00:80@HRaFirst-contact resolution rate cost 0.60 points of the final score; 80% or more earns full points.rÈ
first_response_sla_ratecustomer_satisfactionFirst-response on-time rate"0.54*1.3621.36:98@HR_First-response on-time rate cost 0.54 points of the final score; 98% or more earns full points.rŸ
cost_savings_rateservice_innovationCost savings"0.52*2.0026.50:5@HROCost savings cost 0.52 points of the final score; 5% or more earns full points.rÕ
 team_performance_attainment_rateteam_management Team performance attainment rate"0.50*2.5022.50:85@HRdTeam performance attainment rate cost 0.50 points of the final score; 85% or more earns full points.rÈ
follow_up_satisfactioncustomer_satisfactionFollow-up visit satisfaction"0.40*1.0021.00:85@HR_Follow-up visit satisfaction cost 0.40 points of the final score; 85 or more earns full points.rÎ
team_training_completion_rateteam_managementTeam training completion rate"0.35*0.0022.50:100@HRbTeam training completion rate cost 0.35 points of the final score; 100% or more earns full points.rÐ
 complex_issue_avg_handle_minutesproblem_solvingComplex-issue handling time"0.33*2.0020.73:120@HRcComplex-issue handling time cost 0.33 points of the final score; 120 min or less earns full points.rÕ
customer_feedback_adoption_rateservice_innovationCustomer feedback adoption rate"0.25*2.5022.50:60@HRcCustomer feedback adoption rate cost 0.25 points of the final score; 60% or more earns full points.rÑ
team_collaboration_satisfactionteam_managementTeam collaboration satisfaction"0.20*1.0021.00:80@HRbTeam collaboration satisfaction cost 0.20 points of the final score; 80 or more earns full points.rÄ
process_optimizationsservice_innovationService process optimisations"0.20*2.0022.00:2@HR_Service process optimisations cost 0.20 points of the final score; 2 or more earns full points.rÁ
innovation_proposalsservice_innovationInnovative service proposals"0.20*2.0022.00:1@HR^Innovative service proposals cost 0.20 points of the final score; 1 or more earns full points.rÑ
 cross_department_resolution_rateproblem_solvingCross-department collaboration"0.17*0.0020.80:90@HRbCross-department collaboration cost 0.17 points of the final score; 90% or more earns full points.rÆ
complaint_resolution_ratecustomer_satisfactionComplaint resolution rate"0.05*0.1320.13:95@HR]Complaint resolution rate cost 0.05 points of the final score; 95% or more earns full points.z“
10.8010"ƒSelf total 89.65 âˆ’ supervisor total 78.85 = 10.80; threshold 10: above the threshold: talk about it in the performance interview.€Š82.09’LFinal score = 30% Ã— 89.65 + 70% Ã— 78.85 = 82.09; bonus coefficient 0.8209.