// tb_nm_assert - shows that every RTL assertion (`ifdef NM_ASSERT) can fire.
// Build with -DNM_ASSERT; run once per scenario: vvp -n tb.vvp +scenario=NAME.
// Each scenario applies one deliberately bad stimulus; the run must end in the
// assertion's "nm_assert: ..." line and $stop. tests/check-assert checks the text.
// A scenario that reaches its end without an assertion prints "NO ASSERTION".
//
//   fifo_overflow   a producer that pushes into a full nm_fifo (ignores ready)
//   fifo_underflow  a consumer that pops an empty nm_fifo
//   core_axon       a packet for axon 40 into a 32-axon core
//   core_row        a delay-0 packet while the core runs a tick (the row it latched)
//   chip_overflow   inside the mesh: a router input FIFO forced to accept host flits
//                   while full (force on the FIFO's push)
//   chip_tick_done  tick_done forced high while the cores still work
`timescale 1ns/1ps
module tb_nm_assert;
  reg clk = 1'b0, rst_n = 1'b0;
  always #5 clk = ~clk;
  reg [8*16-1:0] scenario;

  // ---------------------------------------------------------------- a lone FIFO
  reg         f_push = 1'b0, f_pop = 1'b0;
  reg  [29:0] f_data = 30'd0;
  wire [29:0] f_head;
  wire        f_empty, f_full;
  nm_fifo #(.Width(30), .Depth(4)) u_fifo (
    .clk_i(clk), .rst_ni(rst_n), .push_i(f_push), .data_i(f_data), .pop_i(f_pop),
    .data_o(f_head), .empty_o(f_empty), .full_o(f_full)
  );

  // ---------------------------------------------------------------- a small core
  reg         c_tick = 1'b0, c_pvalid = 1'b0;
  reg  [7:0]  c_axon = 8'd0;
  reg  [3:0]  c_delay = 4'd1;
  wire        c_done, c_busy, c_pready, c_ovalid, c_tvalid, c_rvalid, c_err;
  wire [8:0]  c_dx, c_dy;
  wire [7:0]  c_oaxon, c_tneuron;
  wire [3:0]  c_odelay;
  wire [31:0] c_rdata;
  nm_core #(.NumAxons(32), .NumNeurons(4)) u_core (
    .clk_i(clk), .rst_ni(rst_n), .tick_i(c_tick), .tick_done_o(c_done), .busy_o(c_busy),
    .pkt_in_valid_i(c_pvalid), .pkt_in_ready_o(c_pready), .pkt_in_axon_i(c_axon),
    .pkt_in_delay_i(c_delay), .pkt_out_valid_o(c_ovalid), .pkt_out_ready_i(1'b1),
    .pkt_out_dx_o(c_dx), .pkt_out_dy_o(c_dy), .pkt_out_axon_o(c_oaxon),
    .pkt_out_delay_o(c_odelay), .trace_valid_o(c_tvalid), .trace_neuron_o(c_tneuron),
    .cfg_req_i(1'b0), .cfg_we_i(1'b0), .cfg_addr_i(16'd0), .cfg_wdata_i(32'd0),
    .cfg_rvalid_o(c_rvalid), .cfg_rdata_o(c_rdata), .cfg_err_o(c_err)
  );

  // ---------------------------------------------------------------- a small chip
  reg         h_tick = 1'b0, h_valid = 1'b0;
  reg  [29:0] h_flit = 30'd0;
  wire        h_done, h_busy, h_overrun, h_ready, o_valid;
  wire [29:0] o_flit;
  wire [1:0]  o_side;
  wire [7:0]  o_pos;
  wire [31:0] o_tick, p_rdata;
  wire [1:0]  t_valid;
  wire [15:0] t_neuron;
  wire        p_ready, p_err;
  nm_chip #(.MeshX(2), .MeshY(1), .NumAxons(32), .NumNeurons(4)) u_chip (
    .clk_i(clk), .rst_ni(rst_n), .tick_i(h_tick), .tick_done_o(h_done), .busy_o(h_busy),
    .overrun_o(h_overrun), .host_valid_i(h_valid), .host_ready_o(h_ready),
    .host_flit_i(h_flit), .off_valid_o(o_valid), .off_ready_i(1'b1), .off_flit_o(o_flit),
    .off_side_o(o_side), .off_pos_o(o_pos), .off_tick_o(o_tick),
    .trace_valid_o(t_valid), .trace_neuron_o(t_neuron),
    .psel_i(1'b0), .penable_i(1'b0), .pwrite_i(1'b0), .paddr_i(32'd0), .pwdata_i(32'd0),
    .prdata_o(p_rdata), .pready_o(p_ready), .pslverr_o(p_err)
  );

  integer k;
  initial begin
    if (!$value$plusargs("scenario=%s", scenario)) scenario = "none";
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    @(negedge clk);
    if (scenario == "fifo_overflow") begin
      f_push = 1'b1;                                  // five pushes into four places
      for (k = 0; k < 6; k = k + 1) begin f_data = k; @(negedge clk); end
    end else if (scenario == "fifo_underflow") begin
      f_pop = 1'b1;
      @(negedge clk);
    end else if (scenario == "core_axon") begin
      c_pvalid = 1'b1; c_axon = 8'd40; c_delay = 4'd1;
      @(negedge clk);
    end else if (scenario == "core_row") begin
      c_tick = 1'b1;
      @(negedge clk); c_tick = 1'b0;
      @(negedge clk); @(negedge clk);                   // the core is in its neuron loop
      c_pvalid = 1'b1; c_axon = 8'd3; c_delay = 4'd0;
      @(negedge clk);
    end else if (scenario == "chip_overflow") begin
      // host flits for core (1,0) with the west input FIFO of core (0,0) forced to
      // take every one, so it is pushed while full
      force u_chip.g_row[0].g_col[0].u_router.g_in[2].u_fifo.push_i = 1'b1;
      force u_chip.g_row[0].g_col[0].u_router.g_in[2].u_fifo.pop_i = 1'b0;
      h_valid = 1'b1; h_flit = {4'd1, 8'd3, 9'd0, 9'd1};
      for (k = 0; k < 8; k = k + 1) @(negedge clk);
    end else if (scenario == "chip_tick_done") begin
      h_tick = 1'b1;
      @(negedge clk); h_tick = 1'b0;
      @(negedge clk);
      force u_chip.done = 1'b1;                         // the barrier lies
      @(negedge clk); @(negedge clk);
    end else begin
      $display("unknown scenario '%0s'", scenario);
    end
    repeat (4) @(negedge clk);
    $display("NO ASSERTION in scenario %0s", scenario);
    $finish;
  end
endmodule
