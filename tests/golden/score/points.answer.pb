
points�
telecom-support-managerGsha256:a200d8ea374b505b48e9cb795277e3b38edb3ef5547031d82dc5208e20871f50"?通信科技公司技術支持經理售后服務績效評定表0.1.0"zh-TW*e102422026-Q3:� �
key_customer_satisfactioncustomer_satisfaction關鍵客戶滿意度評分 :92@HR90Z0b0j0.00r20.00z20.00�?關鍵客戶滿意度評分 92,達到目標 90,得 20/20 分。�
complaint_resolution_ratecustomer_satisfaction客戶投訴解決率 :93.5@HR95Z1.5b1.5j0.75r19.25z20.00�^客戶投訴解決率 93.5%,低於目標 95% 1.5 個百分點,扣 0.75 分,得 19.25/20 分。�
first_response_sla_ratecustomer_satisfaction首次響應時間達標率 :97.2@HR98Z0.8b0.8j0.40r19.60z20.00�b首次響應時間達標率 97.2%,低於目標 98% 0.8 個百分點,扣 0.4 分,得 19.6/20 分。�
follow_up_satisfactioncustomer_satisfaction客戶回訪滿意度 :83@HR85Z2b2j1.00r19.00z20.00�I客戶回訪滿意度 83,低於目標 85 2 分,扣 1 分,得 19/20 分。�
major_incidentscustomer_satisfaction重大服務事故發生次數 :1@HR0Z1b1j5.00r15.00z20.00�L重大服務事故發生次數 1,超出上限 0 1,扣 5 分,得 15/20 分。�
first_contact_resolution_rateproblem_solving技術問題一次性解決率 :76@HR80Z4b4j2.00r18.00z20.00�]技術問題一次性解決率 76%,低於目標 80% 4 個百分點,扣 2 分,得 18/20 分。�
 complex_issue_avg_handle_minutesproblem_solving復雜問題處理效率 :150@HR120Z30b2j2.00r18.00z20.00�|復雜問題處理效率 150 分鐘,超出上限 120 分鐘 30 分鐘,計算 30 / 15 = 2 × 1 = 2,扣 2 分,得 18/20 分。�
knowledge_base_articlesproblem_solving知識庫貢獻數量 @HR5Z0b0j1.50r18.50z20.00�D知識庫貢獻數量:由本人自評直接評定,得 18.5/20 分。�
training_coverage_rateproblem_solving培訓覆蓋率 :96@HR100Z4b4j4.00r16.00z20.00�O培訓覆蓋率 96%,低於目標 100% 4 個百分點,扣 4 分,得 16/20 分。�
 cross_department_resolution_rateproblem_solving跨部門協作有效性 :91@HR90Z0b0j0.00r20.00z20.00�>跨部門協作有效性 91%,達到目標 90%,得 20/20 分。�
team_training_completion_rateteam_management團隊培訓完成率 :100@HR100Z0b0j0.00r20.00z20.00�=團隊培訓完成率 100%,達到目標 100%,得 20/20 分。�
 team_performance_attainment_rateteam_management團隊績效達標率 :80@HR85Z5b5j2.50r17.50z20.00�X團隊績效達標率 80%,低於目標 85% 5 個百分點,扣 2.5 分,得 17.5/20 分。�
attrition_rateteam_management員工流失率 :7@HR5Z2b2j6.00r14.00z20.00�L員工流失率 7%,超出上限 5% 2 個百分點,扣 6 分,得 14/20 分。�
team_collaboration_satisfactionteam_management團隊協作滿意度 :78@HR80Z2b2j1.00r19.00z20.00�I團隊協作滿意度 78,低於目標 80 2 分,扣 1 分,得 19/20 分。�
 process_suggestion_adoption_rateteam_management!團隊流程優化建議采納率 :65@HR70Z5b5j5.00r15.00z20.00�`團隊流程優化建議采納率 65%,低於目標 70% 5 個百分點,扣 5 分,得 15/20 分。�
process_optimizationsservice_innovation服務流程優化次數 :1@HR2Z1b1j2.00r18.00z20.00�F服務流程優化次數 1,低於目標 2 1,扣 2 分,得 18/20 分。�
new_tool_adoption_rateservice_innovation新服務工具應用率 :90@HR85Z0b0j0.00r20.00z20.00�>新服務工具應用率 90%,達到目標 85%,得 20/20 分。�
customer_feedback_adoption_rateservice_innovation客戶反饋采納率 :55@HR60Z5b5j2.50r17.50z20.00�X客戶反饋采納率 55%,低於目標 60% 5 個百分點,扣 2.5 分,得 17.5/20 分。�
cost_savings_rateservice_innovation成本節約貢獻 :3@HR5Z2b2j2.00r18.00z20.00�O成本節約貢獻 3%,低於目標 5% 2 個百分點,扣 2 分,得 18/20 分。�
innovation_proposalsservice_innovation創新服務提案數量 :0@HR1Z1b1j2.00r18.00z20.00�F創新服務提案數量 0,低於目標 1 1,扣 2 分,得 18/20 分。B
customer_satisfaction客戶滿意度92.85"100.00*40237.14?
problem_solving問題解決能力90.50"100.00*30227.15>
team_management團隊管理效能85.50"100.00*20217.1D
service_innovation服務創新與改進91.50"100.00*1029.15"90.54*90.54B�"�
key_customer_satisfactioncustomer_satisfaction關鍵客戶滿意度評分 :88.6@HR90Z1.4b1.4j0.70r19.30z20.00�W關鍵客戶滿意度評分 88.6,低於目標 90 1.4 分,扣 0.7 分,得 19.3/20 分。�
complaint_resolution_ratecustomer_satisfaction客戶投訴解決率 :93.5@HR95Z1.5b1.5j0.75r19.25z20.00�^客戶投訴解決率 93.5%,低於目標 95% 1.5 個百分點,扣 0.75 分,得 19.25/20 分。�
first_response_sla_ratecustomer_satisfaction首次響應時間達標率 :97.2@HR98Z0.8b0.8j0.40r19.60z20.00�b首次響應時間達標率 97.2%,低於目標 98% 0.8 個百分點,扣 0.4 分,得 19.6/20 分。�
follow_up_satisfactioncustomer_satisfaction客戶回訪滿意度 :83@HR85Z2b2j1.00r19.00z20.00�I客戶回訪滿意度 83,低於目標 85 2 分,扣 1 分,得 19/20 分。�survey had 12 answers�
major_incidentscustomer_satisfaction重大服務事故發生次數 :2@HR0Z2b2j10.00r10.00z20.00�M重大服務事故發生次數 2,超出上限 0 2,扣 10 分,得 10/20 分。�
first_contact_resolution_rateproblem_solving技術問題一次性解決率 :76@HR80Z4b4j2.00r18.00z20.00�]技術問題一次性解決率 76%,低於目標 80% 4 個百分點,扣 2 分,得 18/20 分。�
 complex_issue_avg_handle_minutesproblem_solving復雜問題處理效率 :131@HR120Z11b0.7333j0.73r19.27z20.00��復雜問題處理效率 131 分鐘,超出上限 120 分鐘 11 分鐘,計算 11 / 15 = 0.7333… × 1 = 0.7333…,扣 0.73 分,得 19.27/20 分。�
knowledge_base_articlesproblem_solving知識庫貢獻數量 @HR5Z0b0j0.00r20.00z20.00�<知識庫貢獻數量:由上級直接評定,得 20/20 分。�
training_coverage_rateproblem_solving培訓覆蓋率 :96@HR100Z4b4j4.00r16.00z20.00�O培訓覆蓋率 96%,低於目標 100% 4 個百分點,扣 4 分,得 16/20 分。�
 cross_department_resolution_rateproblem_solving跨部門協作有效性 :88.4@HR90Z1.6b1.6j0.80r19.20z20.00�_跨部門協作有效性 88.4%,低於目標 90% 1.6 個百分點,扣 0.8 分,得 19.2/20 分。�
team_training_completion_rateteam_management團隊培訓完成率 :97.5@HR100Z2.5b2.5j2.50r17.50z20.00�]團隊培訓完成率 97.5%,低於目標 100% 2.5 個百分點,扣 2.5 分,得 17.5/20 分。�
 team_performance_attainment_rateteam_management團隊績效達標率 :80@HR85Z5b5j2.50r17.50z20.00�X團隊績效達標率 80%,低於目標 85% 5 個百分點,扣 2.5 分,得 17.5/20 分。�
attrition_rateteam_management員工流失率 :7@HR5Z2b2j6.00r14.00z20.00�L員工流失率 7%,超出上限 5% 2 個百分點,扣 6 分,得 14/20 分。�
team_collaboration_satisfactionteam_management團隊協作滿意度 :78@HR80Z2b2j1.00r19.00z20.00�I團隊協作滿意度 78,低於目標 80 2 分,扣 1 分,得 19/20 分。�
 process_suggestion_adoption_rateteam_management!團隊流程優化建議采納率 :65@HR70Z5b5j5.00r15.00z20.00�`團隊流程優化建議采納率 65%,低於目標 70% 5 個百分點,扣 5 分,得 15/20 分。�
process_optimizationsservice_innovation服務流程優化次數 :1@HR2Z1b1j2.00r18.00z20.00�F服務流程優化次數 1,低於目標 2 1,扣 2 分,得 18/20 分。�
new_tool_adoption_rateservice_innovation新服務工具應用率 :90@HR85Z0b0j0.00r20.00z20.00�>新服務工具應用率 90%,達到目標 85%,得 20/20 分。�
customer_feedback_adoption_rateservice_innovation客戶反饋采納率 :55@HR60Z5b5j2.50r17.50z20.00�X客戶反饋采納率 55%,低於目標 60% 5 個百分點,扣 2.5 分,得 17.5/20 分。�
cost_savings_rateservice_innovation成本節約貢獻 :-1.5@HR5Z6.5b6.5j6.50r13.50z20.00�X成本節約貢獻 -1.5%,低於目標 5% 6.5 個百分點,扣 6.5 分,得 13.5/20 分。�
innovation_proposalsservice_innovation創新服務提案數量 @HR1Z0b0j20.00r0.00z20.00�>創新服務提案數量:由上級直接評定,得 0/20 分。B
customer_satisfaction客戶滿意度87.15"100.00*40234.86@
problem_solving問題解決能力92.47"100.00*30227.741>
team_management團隊管理效能83.00"100.00*20216.6C
service_innovation服務創新與改進69.00"100.00*1026.9"86.10*86.10J30R70Z87.43b0.8743r�
major_incidentscustomer_satisfaction重大服務事故發生次數"3.40*5.00210.00:0@HR[重大服務事故發生次數使最終得分減少 3.40 分;不超過 0 即可得滿分。r�
innovation_proposalsservice_innovation創新服務提案數量"1.46*2.00220.00:1@HRR創新服務提案數量使最終得分減少 1.46 分;達到 1 即可得滿分。r�
training_coverage_rateproblem_solving培訓覆蓋率"1.20*4.0024.00:100@HRL培訓覆蓋率使最終得分減少 1.20 分;達到 100% 即可得滿分。r�
attrition_rateteam_management員工流失率"1.20*6.0026.00:5@HRM員工流失率使最終得分減少 1.20 分;不超過 5% 即可得滿分。r�
 process_suggestion_adoption_rateteam_management!團隊流程優化建議采納率"1.00*5.0025.00:70@HR]團隊流程優化建議采納率使最終得分減少 1.00 分;達到 70% 即可得滿分。r�
first_contact_resolution_rateproblem_solving技術問題一次性解決率"0.60*2.0022.00:80@HRZ技術問題一次性解決率使最終得分減少 0.60 分;達到 80% 即可得滿分。r�
cost_savings_rateservice_innovation成本節約貢獻"0.52*2.0026.50:5@HRM成本節約貢獻使最終得分減少 0.52 分;達到 5% 即可得滿分。r�
 team_performance_attainment_rateteam_management團隊績效達標率"0.50*2.5022.50:85@HRQ團隊績效達標率使最終得分減少 0.50 分;達到 85% 即可得滿分。r�
follow_up_satisfactioncustomer_satisfaction客戶回訪滿意度"0.40*1.0021.00:85@HRP客戶回訪滿意度使最終得分減少 0.40 分;達到 85 即可得滿分。r�
team_training_completion_rateteam_management團隊培訓完成率"0.35*0.0022.50:100@HRR團隊培訓完成率使最終得分減少 0.35 分;達到 100% 即可得滿分。r�
 complex_issue_avg_handle_minutesproblem_solving復雜問題處理效率"0.33*2.0020.73:120@HR^復雜問題處理效率使最終得分減少 0.33 分;不超過 120 分鐘 即可得滿分。r�
complaint_resolution_ratecustomer_satisfaction客戶投訴解決率"0.30*0.7520.75:95@HRQ客戶投訴解決率使最終得分減少 0.30 分;達到 95% 即可得滿分。r�
customer_feedback_adoption_rateservice_innovation客戶反饋采納率"0.25*2.5022.50:60@HRQ客戶反饋采納率使最終得分減少 0.25 分;達到 60% 即可得滿分。r�
team_collaboration_satisfactionteam_management團隊協作滿意度"0.20*1.0021.00:80@HRP團隊協作滿意度使最終得分減少 0.20 分;達到 80 即可得滿分。r�
process_optimizationsservice_innovation服務流程優化次數"0.20*2.0022.00:2@HRR服務流程優化次數使最終得分減少 0.20 分;達到 2 即可得滿分。r�
key_customer_satisfactioncustomer_satisfaction關鍵客戶滿意度評分"0.20*0.0020.70:90@HRV關鍵客戶滿意度評分使最終得分減少 0.20 分;達到 90 即可得滿分。r�
 cross_department_resolution_rateproblem_solving跨部門協作有效性"0.17*0.0020.80:90@HRT跨部門協作有效性使最終得分減少 0.17 分;達到 90% 即可得滿分。r�
first_response_sla_ratecustomer_satisfaction首次響應時間達標率"0.16*0.4020.40:98@HRW首次響應時間達標率使最終得分減少 0.16 分;達到 98% 即可得滿分。r�
knowledge_base_articlesproblem_solving知識庫貢獻數量"0.14*1.5020.00:5@HRO知識庫貢獻數量使最終得分減少 0.14 分;達到 5 即可得滿分。zi
4.4410"]員工評分合計 90.54 與上級評分合計 86.10 相差 4.44,閾值 10,在閾值之內。��87.43�o最終得分 = 員工評分合計 90.54 × 30% + 上級評分合計 86.10 × 70% = 87.43,獎金係數 0.8743。