
2026-Q3-e1024�
telecom-support-managerGsha256:a200d8ea374b505b48e9cb795277e3b38edb3ef5547031d82dc5208e20871f50"?通信科技公司技术支持经理售后服务绩效评定表0.1.0"zh-CN*e102422026-Q3:�!�
key_customer_satisfactioncustomer_satisfaction关键客户满意度评分 :92@HR90Z0b0j0.00r20.00z20.00�?关键客户满意度评分 92,达到目标 90,得 20/20 分。�
complaint_resolution_ratecustomer_satisfaction客户投诉解决率 :93.5@HR95Z1.5b1.5j0.75r19.25z20.00�^客户投诉解决率 93.5%,低于目标 95% 1.5 个百分点,扣 0.75 分,得 19.25/20 分。�
first_response_sla_ratecustomer_satisfaction首次响应时间达标率 :97.2@HR98Z0.8b0.8j0.40r19.60z20.00�b首次响应时间达标率 97.2%,低于目标 98% 0.8 个百分点,扣 0.4 分,得 19.6/20 分。�
follow_up_satisfactioncustomer_satisfaction客户回访满意度 :83@HR85Z2b2j1.00r19.00z20.00�I客户回访满意度 83,低于目标 85 2 分,扣 1 分,得 19/20 分。�
major_incidentscustomer_satisfaction重大服务事故发生次数 :1@HR0Z1b1j5.00r15.00z20.00�L重大服务事故发生次数 1,超出上限 0 1,扣 5 分,得 15/20 分。�
first_contact_resolution_rateproblem_solving技术问题一次性解决率 :76@HR80Z4b4j2.00r18.00z20.00�]技术问题一次性解决率 76%,低于目标 80% 4 个百分点,扣 2 分,得 18/20 分。�
 complex_issue_avg_handle_minutesproblem_solving复杂问题处理效率 :150@HR120Z30b2j2.00r18.00z20.00�|复杂问题处理效率 150 分钟,超出上限 120 分钟 30 分钟,计算 30 / 15 = 2 × 1 = 2,扣 2 分,得 18/20 分。�
knowledge_base_articlesproblem_solving知识库贡献数量 :3@HR5Z2b2j4.00r16.00z20.00�C知识库贡献数量 3,低于目标 5 2,扣 4 分,得 16/20 分。�
training_coverage_rateproblem_solving培训覆盖率 :96@HR100Z4b4j4.00r16.00z20.00�O培训覆盖率 96%,低于目标 100% 4 个百分点,扣 4 分,得 16/20 分。�
 cross_department_resolution_rateproblem_solving跨部门协作有效性 :91@HR90Z0b0j0.00r20.00z20.00�>跨部门协作有效性 91%,达到目标 90%,得 20/20 分。�
team_training_completion_rateteam_management团队培训完成率 :100@HR100Z0b0j0.00r20.00z20.00�=团队培训完成率 100%,达到目标 100%,得 20/20 分。�
 team_performance_attainment_rateteam_management团队绩效达标率 :80@HR85Z5b5j2.50r17.50z20.00�X团队绩效达标率 80%,低于目标 85% 5 个百分点,扣 2.5 分,得 17.5/20 分。�
attrition_rateteam_management员工流失率 :7@HR5Z2b2j6.00r14.00z20.00�L员工流失率 7%,超出上限 5% 2 个百分点,扣 6 分,得 14/20 分。�
team_collaboration_satisfactionteam_management团队协作满意度 :78@HR80Z2b2j1.00r19.00z20.00�I团队协作满意度 78,低于目标 80 2 分,扣 1 分,得 19/20 分。�
 process_suggestion_adoption_rateteam_management!团队流程优化建议采纳率 :65@HR70Z5b5j5.00r15.00z20.00�`团队流程优化建议采纳率 65%,低于目标 70% 5 个百分点,扣 5 分,得 15/20 分。�
process_optimizationsservice_innovation服务流程优化次数 :1@HR2Z1b1j2.00r18.00z20.00�F服务流程优化次数 1,低于目标 2 1,扣 2 分,得 18/20 分。�
new_tool_adoption_rateservice_innovation新服务工具应用率 :90@HR85Z0b0j0.00r20.00z20.00�>新服务工具应用率 90%,达到目标 85%,得 20/20 分。�
customer_feedback_adoption_rateservice_innovation客户反馈采纳率 :55@HR60Z5b5j2.50r17.50z20.00�X客户反馈采纳率 55%,低于目标 60% 5 个百分点,扣 2.5 分,得 17.5/20 分。�
cost_savings_rateservice_innovation成本节约贡献 :3@HR5Z2b2j2.00r18.00z20.00�O成本节约贡献 3%,低于目标 5% 2 个百分点,扣 2 分,得 18/20 分。�
innovation_proposalsservice_innovation创新服务提案数量 :0@HR1Z1b1j2.00r18.00z20.00�F创新服务提案数量 0,低于目标 1 1,扣 2 分,得 18/20 分。B
customer_satisfaction客户满意度92.85"100.00*40237.14>
problem_solving问题解决能力88.00"100.00*30226.4>
team_management团队管理效能85.50"100.00*20217.1D
service_innovation服务创新与改进91.50"100.00*1029.15"89.79*89.79B�"�
key_customer_satisfactioncustomer_satisfaction关键客户满意度评分 :88.6@HR90Z1.4b1.4j0.70r19.30z20.00�W关键客户满意度评分 88.6,低于目标 90 1.4 分,扣 0.7 分,得 19.3/20 分。�
complaint_resolution_ratecustomer_satisfaction客户投诉解决率 :93.5@HR95Z1.5b1.5j0.75r19.25z20.00�^客户投诉解决率 93.5%,低于目标 95% 1.5 个百分点,扣 0.75 分,得 19.25/20 分。�
first_response_sla_ratecustomer_satisfaction首次响应时间达标率 :97.2@HR98Z0.8b0.8j0.40r19.60z20.00�b首次响应时间达标率 97.2%,低于目标 98% 0.8 个百分点,扣 0.4 分,得 19.6/20 分。�
follow_up_satisfactioncustomer_satisfaction客户回访满意度 :83@HR85Z2b2j1.00r19.00z20.00�I客户回访满意度 83,低于目标 85 2 分,扣 1 分,得 19/20 分。�
major_incidentscustomer_satisfaction重大服务事故发生次数 :2@HR0Z2b2j10.00r10.00z20.00�M重大服务事故发生次数 2,超出上限 0 2,扣 10 分,得 10/20 分。�
first_contact_resolution_rateproblem_solving技术问题一次性解决率 :76@HR80Z4b4j2.00r18.00z20.00�]技术问题一次性解决率 76%,低于目标 80% 4 个百分点,扣 2 分,得 18/20 分。�
 complex_issue_avg_handle_minutesproblem_solving复杂问题处理效率 :131@HR120Z11b0.7333j0.73r19.27z20.00��复杂问题处理效率 131 分钟,超出上限 120 分钟 11 分钟,计算 11 / 15 = 0.7333… × 1 = 0.7333…,扣 0.73 分,得 19.27/20 分。�
knowledge_base_articlesproblem_solving知识库贡献数量 :3@HR5Z2b2j4.00r16.00z20.00�C知识库贡献数量 3,低于目标 5 2,扣 4 分,得 16/20 分。�
training_coverage_rateproblem_solving培训覆盖率 :96@HR100Z4b4j4.00r16.00z20.00�O培训覆盖率 96%,低于目标 100% 4 个百分点,扣 4 分,得 16/20 分。�
 cross_department_resolution_rateproblem_solving跨部门协作有效性 :88.4@HR90Z1.6b1.6j0.80r19.20z20.00�_跨部门协作有效性 88.4%,低于目标 90% 1.6 个百分点,扣 0.8 分,得 19.2/20 分。�
team_training_completion_rateteam_management团队培训完成率 :97.5@HR100Z2.5b2.5j2.50r17.50z20.00�]团队培训完成率 97.5%,低于目标 100% 2.5 个百分点,扣 2.5 分,得 17.5/20 分。�
 team_performance_attainment_rateteam_management团队绩效达标率 :80@HR85Z5b5j2.50r17.50z20.00�X团队绩效达标率 80%,低于目标 85% 5 个百分点,扣 2.5 分,得 17.5/20 分。�
attrition_rateteam_management员工流失率 :7@HR5Z2b2j6.00r14.00z20.00�L员工流失率 7%,超出上限 5% 2 个百分点,扣 6 分,得 14/20 分。�
team_collaboration_satisfactionteam_management团队协作满意度 :78@HR80Z2b2j1.00r19.00z20.00�I团队协作满意度 78,低于目标 80 2 分,扣 1 分,得 19/20 分。�
 process_suggestion_adoption_rateteam_management!团队流程优化建议采纳率 :65@HR70Z5b5j5.00r15.00z20.00�`团队流程优化建议采纳率 65%,低于目标 70% 5 个百分点,扣 5 分,得 15/20 分。�
process_optimizationsservice_innovation服务流程优化次数 :1@HR2Z1b1j2.00r18.00z20.00�F服务流程优化次数 1,低于目标 2 1,扣 2 分,得 18/20 分。�
new_tool_adoption_rateservice_innovation新服务工具应用率 :90@HR85Z0b0j0.00r20.00z20.00�>新服务工具应用率 90%,达到目标 85%,得 20/20 分。�
customer_feedback_adoption_rateservice_innovation客户反馈采纳率 :55@HR60Z5b5j2.50r17.50z20.00�X客户反馈采纳率 55%,低于目标 60% 5 个百分点,扣 2.5 分,得 17.5/20 分。�
cost_savings_rateservice_innovation成本节约贡献 :-1.5@HR5Z6.5b6.5j6.50r13.50z20.00�X成本节约贡献 -1.5%,低于目标 5% 6.5 个百分点,扣 6.5 分,得 13.5/20 分。�
innovation_proposalsservice_innovation创新服务提案数量 :0@HR1Z1b1j2.00r18.00z20.00�F创新服务提案数量 0,低于目标 1 1,扣 2 分,得 18/20 分。B
customer_satisfaction客户满意度87.15"100.00*40234.86@
problem_solving问题解决能力88.47"100.00*30226.541>
team_management团队管理效能83.00"100.00*20216.6C
service_innovation服务创新与改进87.00"100.00*1028.7"86.70*86.70J30R70Z87.63b0.8763r�
major_incidentscustomer_satisfaction重大服务事故发生次数"3.40*5.00210.00:0@HR[重大服务事故发生次数使最终得分减少 3.40 分;不超过 0 即可得满分。r�
knowledge_base_articlesproblem_solving知识库贡献数量"1.20*4.0024.00:5@HRO知识库贡献数量使最终得分减少 1.20 分;达到 5 即可得满分。r�
training_coverage_rateproblem_solving培训覆盖率"1.20*4.0024.00:100@HRL培训覆盖率使最终得分减少 1.20 分;达到 100% 即可得满分。r�
attrition_rateteam_management员工流失率"1.20*6.0026.00:5@HRM员工流失率使最终得分减少 1.20 分;不超过 5% 即可得满分。r�
 process_suggestion_adoption_rateteam_management!团队流程优化建议采纳率"1.00*5.0025.00:70@HR]团队流程优化建议采纳率使最终得分减少 1.00 分;达到 70% 即可得满分。r�
first_contact_resolution_rateproblem_solving技术问题一次性解决率"0.60*2.0022.00:80@HRZ技术问题一次性解决率使最终得分减少 0.60 分;达到 80% 即可得满分。r�
cost_savings_rateservice_innovation成本节约贡献"0.52*2.0026.50:5@HRM成本节约贡献使最终得分减少 0.52 分;达到 5% 即可得满分。r�
 team_performance_attainment_rateteam_management团队绩效达标率"0.50*2.5022.50:85@HRQ团队绩效达标率使最终得分减少 0.50 分;达到 85% 即可得满分。r�
follow_up_satisfactioncustomer_satisfaction客户回访满意度"0.40*1.0021.00:85@HRP客户回访满意度使最终得分减少 0.40 分;达到 85 即可得满分。r�
team_training_completion_rateteam_management团队培训完成率"0.35*0.0022.50:100@HRR团队培训完成率使最终得分减少 0.35 分;达到 100% 即可得满分。r�
 complex_issue_avg_handle_minutesproblem_solving复杂问题处理效率"0.33*2.0020.73:120@HR^复杂问题处理效率使最终得分减少 0.33 分;不超过 120 分钟 即可得满分。r�
complaint_resolution_ratecustomer_satisfaction客户投诉解决率"0.30*0.7520.75:95@HRQ客户投诉解决率使最终得分减少 0.30 分;达到 95% 即可得满分。r�
customer_feedback_adoption_rateservice_innovation客户反馈采纳率"0.25*2.5022.50:60@HRQ客户反馈采纳率使最终得分减少 0.25 分;达到 60% 即可得满分。r�
team_collaboration_satisfactionteam_management团队协作满意度"0.20*1.0021.00:80@HRP团队协作满意度使最终得分减少 0.20 分;达到 80 即可得满分。r�
process_optimizationsservice_innovation服务流程优化次数"0.20*2.0022.00:2@HRR服务流程优化次数使最终得分减少 0.20 分;达到 2 即可得满分。r�
innovation_proposalsservice_innovation创新服务提案数量"0.20*2.0022.00:1@HRR创新服务提案数量使最终得分减少 0.20 分;达到 1 即可得满分。r�
key_customer_satisfactioncustomer_satisfaction关键客户满意度评分"0.20*0.0020.70:90@HRV关键客户满意度评分使最终得分减少 0.20 分;达到 90 即可得满分。r�
 cross_department_resolution_rateproblem_solving跨部门协作有效性"0.17*0.0020.80:90@HRT跨部门协作有效性使最终得分减少 0.17 分;达到 90% 即可得满分。r�
first_response_sla_ratecustomer_satisfaction首次响应时间达标率"0.16*0.4020.40:98@HRW首次响应时间达标率使最终得分减少 0.16 分;达到 98% 即可得满分。zi
3.0910"]员工评分合计 89.79 与上级评分合计 86.70 相差 3.09,阈值 10,在阈值之内。��87.63�o最终得分 = 员工评分合计 89.79 × 30% + 上级评分合计 86.70 × 70% = 87.63,奖金系数 0.8763。